import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors.js';

/** The configuration variable behind each document limit, named in `extensions.limit` of its refusal. */
export type DocumentLimit =
  | 'MAX_DEPTH'
  | 'MAX_ALIASES'
  | 'MAX_DIRECTIVES'
  | 'MAX_COST'
  | 'MAX_TOKENS'
  | 'MAX_FIELDS_PER_SELECTION';

/**
 * The refusal of a document by one of its limits, on every transport: a validation error (HTTP 400 over
 * HTTP), `GRAPHQL_VALIDATION_FAILED`, and the variable that sets the limit.
 */
export function documentLimitRefusal(limit: DocumentLimit, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED, limit, http: { status: 400 } },
  });
}
