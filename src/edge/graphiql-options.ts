import type { GraphiQLOptions } from 'graphql-yoga';
import { EXAMPLES } from '../examples.js';

/** GraphiQL opens with the example operations as tabs, and the demo token pre-filled when there is one. */
export function graphiqlOptions(token: string | undefined): GraphiQLOptions {
  const headers = JSON.stringify(
    token ? { Authorization: `Bearer ${token}` } : { Authorization: 'Bearer <your Inbox API token>' },
    null,
    2,
  );
  return {
    title: 'Inbox GraphQL',
    headers,
    defaultHeaders: headers,
    defaultQuery: EXAMPLES[0]?.query,
    defaultTabs: EXAMPLES.map((example) => ({
      query: example.query,
      variables: example.variables ? JSON.stringify(example.variables, null, 2) : null,
      headers,
    })),
    shouldPersistHeaders: false,
  };
}
