import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import { DEMO_TOKEN, type TeamState } from '../../src/simulator/index.js';
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

/** Runs an operation expected to succeed; returns its data. */
export async function mutate<TData, TVariables>(
  harness: Harness,
  operation: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const { body } = await harness.graphql(operation, { variables });
  expect(body.errors).toBeUndefined();
  if (!body.data) throw new Error('no data');
  return body.data;
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
  expect(status).toBe(200);
  expect(body.data).toBeNull();
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
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
  expect(body.data).toBeNull();
  expect(body.errors).toHaveLength(1);
  const error = body.errors?.[0];
  expect(error?.extensions).toMatchObject({ code, upstream: { status, method } });
  // The upstream's own message is what the client reads.
  const upstream = error?.extensions?.upstream as { message?: string } | undefined;
  expect(error?.message).toBe(upstream?.message);
  return error;
}
