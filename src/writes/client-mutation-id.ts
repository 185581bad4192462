import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { badUserInput, ErrorCode, failureCode, refusedBeforeAnyEffect } from '../errors.js';
import type { Types } from '../graphql/builder.js';
import type { Context } from '../graphql/context-type.js';
import { ClientMutationIdReused, OutcomeUnknown } from './at-most-once.js';

/**
 * `clientMutationId` (Relay's name) on the writes that must not happen twice: sends, creations, additions.
 * The facade records the first attempt's outcome for 24 hours (src/writes/at-most-once.ts); a retry with the
 * same id, by the same token, gets that outcome and makes no second upstream write.
 */

export const CLIENT_MUTATION_ID_INPUT =
  'Makes a retry safe: the same token sending this mutation again with the same id, within 24 hours, gets the ' +
  'first attempt’s result (or its error) and nothing is written twice, on any replica. 1–255 characters, ' +
  'e.g. a UUID made when the user acted. A timed-out first attempt stays OUTCOME_UNKNOWN; a refused one ' +
  '(BAD_USER_INPUT, NOT_FOUND, RATE_LIMITED…) may be retried with the same id.';

export const CLIENT_MUTATION_ID_PAYLOAD =
  'The input’s `clientMutationId`, echoed (`null` when none was given, or the mutation takes none).';

export const clientMutationId = z
  .string()
  .min(1, { error: 'must be 1–255 characters' })
  .max(255, { error: 'must be 1–255 characters' })
  .nullish();

/**
 * Runs `write` (one upstream write, nothing more) at most once per `clientMutationId` of the input; without
 * one, simply runs it. `input` is the validated input: a retry must send the same one (nulls and absent fields
 * alike), or it is refused with BAD_USER_INPUT. An unknown outcome is OUTCOME_UNKNOWN, with the first
 * attempt's code as `reason`.
 */
export async function atMostOnce<T>(
  context: Context,
  mutation: string,
  input: { clientMutationId?: string | null },
  write: () => Promise<T>,
): Promise<T> {
  const { clientMutationId: id, ...rest } = input;
  if (id === null || id === undefined || context.tokenKey === undefined) return write();
  try {
    return await context.atMostOnce.run(
      { caller: () => context.tokenKey ?? '', mutation, id },
      { input: fingerprint(rest), write, refused: refusedBeforeAnyEffect, codeOf: failureCode },
    );
  } catch (error) {
    if (error instanceof OutcomeUnknown) {
      throw new GraphQLError(error.message, {
        extensions: { code: ErrorCode.OUTCOME_UNKNOWN, reason: error.reason, clientMutationId: id },
      });
    }
    if (error instanceof ClientMutationIdReused) throw badUserInput(error.message, 'input.clientMutationId');
    throw error;
  }
}

/**
 * A digest of the input. graphql-js builds input objects in the order their type declares its fields, so the
 * same input always serialises alike; `null` reads as absent.
 */
function fingerprint(input: object): string {
  const json = JSON.stringify(input, (_key, value: unknown) => (value === null ? undefined : value));
  return createHash('sha256').update(json).digest('base64url');
}

/** The input field of a mutation that takes a `clientMutationId`. */
export const clientMutationIdInput = (t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) =>
  t.string({ description: CLIENT_MUTATION_ID_INPUT }).validate(clientMutationId);

/** The options of the payload field that echoes it: `clientMutationId: t.string(clientMutationIdEcho)`. */
export const clientMutationIdEcho = {
  nullable: true,
  description: CLIENT_MUTATION_ID_PAYLOAD,
  resolve: (payload: { clientMutationId?: string | null }) => payload.clientMutationId ?? null,
} as const;
