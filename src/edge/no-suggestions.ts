import { GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';

/** graphql-js ends every suggestion the same way: `Did you mean "x"?`, `Did you mean the enum value "X"?`. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

function withoutSuggestion<E extends Error>(error: E): E | GraphQLError {
  if (!(error instanceof GraphQLError) || !error.message.match(SUGGESTION)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

/**
 * With introspection off, error messages name nothing of the schema that the caller did not write: every
 * "Did you mean …?" is dropped, from validation errors (fields, arguments, types, enum literals) and from
 * execution errors (variables that do not coerce, e.g. an enum value or an input field in `variables`).
 */
export const useNoSuggestions = (): Plugin => ({
  onValidate:
    () =>
    ({ valid, result, setResult }) => {
      if (!valid) setResult(result.map(withoutSuggestion));
    },
  onExecute: () => ({
    onExecuteDone: (payload) =>
      handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
        if (result.errors?.length) setResult({ ...result, errors: result.errors.map(withoutSuggestion) });
      }),
  }),
});
