import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import { DEMO_TOKEN, type TeamState } from '../../simulator/src/index.js';
import type { GraphQLResponse, Harness, Operation } from './harness.js';

/** The upstream calls that change state. */
export function writesOf(harness: Harness) {
  return harness.simulator.calls.filter((call) => call.method !== 'GET');
}

/** The demo team's live state in the simulator (what the REST API serves). */
export function demoTeam(harness: Harness): TeamState {
  const team = harness.simulator.store.teamByToken(DEMO_TOKEN);
  if (!team) throw new Error('the simulator has no demo team');
  return team;
}

export const globalId = (typename: string, id: string) => encodeGlobalID(typename, id);

/** Root fields are nullable; an operation that succeeded answered every one of them. */
export type Answered<TData> = { [K in keyof TData]: NonNullable<TData[K]> };

/** Runs an operation expected to succeed: no error, and every root field answered. Returns its data. */
export async function mutate<TData, TVariables>(
  harness: Harness,
  operation: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<Answered<TData>> {
  const { body } = await harness.graphql(operation, { variables });
  expect(body.errors).toBeUndefined();
  if (!body.data) throw new Error('no data');
  for (const [field, value] of Object.entries(body.data)) expect(value, field).not.toBeNull();
  return body.data as Answered<TData>;
}

/**
 * Root fields are nullable: an operation whose every field failed answers `data` with each of them null
 * (never `data: null`, which would also lose the fields that succeeded).
 */
export function expectEveryRootFieldNull(body: GraphQLResponse<unknown>) {
  expect(body.data).toBeTypeOf('object');
  const fields = Object.entries(body.data ?? {});
  expect(fields.length).toBeGreaterThan(0);
  expect(Object.fromEntries(fields)).toEqual(Object.fromEntries(fields.map(([field]) => [field, null])));
}

/**
 * Runs a mutation that our validation must refuse: BAD_USER_INPUT naming `field`, and not one upstream
 * write (reads, such as the color palette, are allowed). The variables are deliberately wrong, so they are
 * not held to the operation's types.
 */
export async function expectRefused(
  harness: Harness,
  operation: Operation<unknown, never>,
  variables: Record<string, unknown>,
  field: string,
) {
  harness.simulator.resetCalls();
  const { status, body } = await harness.graphql(operation as Operation<unknown, typeof variables>, {
    variables,
  });
  const error = body.errors?.[0];
  if (body.data === undefined) {
    // Refused by the variables' shape before execution (an oversized list): a request error, no `data`,
    // answered 400 (the harness accepts application/graphql-response+json).
    expect(status).toBe(400);
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `variables.${field}` });
  } else {
    expect(status).toBe(200);
    expectEveryRootFieldNull(body);
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  }
  expect(body.errors?.[0]?.message).toContain(field);
  expect(writesOf(harness)).toEqual([]);
  return body.errors?.[0];
}

/** The single error of a mutation that the upstream refused, with its mapped code and upstream status. */
export function expectUpstreamError(
  body: GraphQLResponse<unknown>,
  code: string,
  status: number,
  method: string,
) {
  expectEveryRootFieldNull(body);
  expect(body.errors).toHaveLength(1);
  const error = body.errors?.[0];
  expect(error?.extensions).toMatchObject({ code, upstream: { status, method } });
  // The upstream's own message is what the client reads.
  const upstream = error?.extensions?.upstream as { message?: string } | undefined;
  expect(error?.message).toBe(upstream?.message);
  return error;
}
