import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, parse } from 'graphql';
import { createYoga } from 'graphql-yoga';

/**
 * A second Relay subgraph as another team would write it (graphql-yoga + @apollo/subgraph): its own
 * `type PageInfo @shareable` and `type DeletePayload @shareable`, a `Node` type with a connection, and
 * references to the facade's threads.
 *
 * It also owns `node`/`nodes` for the whole supergraph (docs/federation.md's pattern for two subgraphs that
 * serve Node): its fields override the facade's (`@override(from: "inbox")`), it declares every Node type of the
 * other subgraphs as a stub entity keyed by `id`, and it answers a foreign global id with a bare reference
 * `{ __typename, id }` that the router completes from the subgraph owning that type.
 */
export interface Task {
  id: string;
  title: string;
  threadId: string;
}

/** Global ids as graphql-relay and Pothos make them, the facade's included: base64 of `Type:rawId`. */
export const toGlobalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const typenameOf = (globalId: string) => {
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
};

/** The object types of a subgraph SDL that implement Node: here, the facade's. */
export function nodeTypesOf(sdl: string): string[] {
  return parse(sdl).definitions.flatMap((definition) =>
    definition.kind === Kind.OBJECT_TYPE_DEFINITION &&
    definition.interfaces?.some((named) => named.name.value === 'Node')
      ? [definition.name.value]
      : [],
  );
}

/**
 * The tasks subgraph's SDL. `node`: `'owner'` (the pattern: overrides the facade's and knows every Node type),
 * `'own'` (its own `node`, as most Relay servers declare it), or `'none'`.
 */
export function tasksSdl({
  foreignNodeTypes,
  node,
}: {
  foreignNodeTypes: string[];
  node: 'owner' | 'own' | 'none';
}) {
  const stubs =
    node === 'owner'
      ? foreignNodeTypes.map((type) => `type ${type} implements Node @key(fields: "id") { id: ID! }`)
      : ['type Thread @key(fields: "id", resolvable: false) { id: ID! }'];
  const override = node === 'owner' ? ' @override(from: "inbox")' : '';
  const nodeFields =
    node === 'none' ? '' : `node(id: ID!): Node${override}\n      nodes(ids: [ID!]!): [Node]!${override}`;
  return /* GraphQL */ `
    extend schema
      @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable", "@override"])

    type PageInfo @shareable {
      hasNextPage: Boolean!
      hasPreviousPage: Boolean!
      startCursor: String
      endCursor: String
    }

    interface Node {
      id: ID!
    }

    "A follow-up on one of the facade's conversations."
    type Task implements Node @key(fields: "id") {
      id: ID!
      title: String!
      thread: Thread!
    }

    type TaskEdge {
      cursor: String!
      node: Task!
    }

    type DeletePayload @shareable {
      deletedId: ID!
    }

    type TaskConnection {
      edges: [TaskEdge!]!
      pageInfo: PageInfo!
    }

    ${stubs.join('\n')}

    type Query {
      tasks(first: Int = 10, after: String): TaskConnection!
      ${nodeFields}
    }

    type Mutation {
      deleteTask(id: ID!): DeletePayload
    }
  `;
}

export interface TasksSubgraph {
  url: string;
  sdl: string;
  close(): Promise<void>;
}

export async function startTasksSubgraph(options: {
  tasks: Task[];
  foreignNodeTypes: string[];
}): Promise<TasksSubgraph> {
  const { tasks, foreignNodeTypes } = options;
  const sdl = tasksSdl({ foreignNodeTypes, node: 'owner' });
  const foreign = new Set(foreignNodeTypes);
  const taskOf = (id: string) => tasks.find((task) => toGlobalId('Task', task.id) === id);
  /** Our own nodes in full; another subgraph's as a reference the router completes; anything else null. */
  const nodeOf = (id: string) => {
    const typename = typenameOf(id);
    if (typename === 'Task') {
      const task = taskOf(id);
      return task ? { __typename: 'Task', ...task } : null;
    }
    return typename && foreign.has(typename) ? { __typename: typename, id } : null;
  };

  const schema = buildSubgraphSchema({
    typeDefs: parse(sdl),
    resolvers: {
      Query: {
        tasks: (_: unknown, { first, after }: { first: number; after?: string | null }) => {
          const start = after ? Number(after) : 0;
          const page = tasks.slice(start, start + first);
          const edges = page.map((task, index) => ({
            cursor: String(start + index + 1),
            node: { __typename: 'Task', ...task },
          }));
          return {
            edges,
            pageInfo: {
              hasNextPage: start + first < tasks.length,
              hasPreviousPage: false,
              startCursor: edges[0]?.cursor ?? null,
              endCursor: edges.at(-1)?.cursor ?? null,
            },
          };
        },
        node: (_: unknown, { id }: { id: string }) => nodeOf(id),
        nodes: (_: unknown, { ids }: { ids: string[] }) => ids.map(nodeOf),
      },
      Mutation: {
        deleteTask: (_: unknown, { id }: { id: string }) => {
          const index = tasks.findIndex((task) => toGlobalId('Task', task.id) === id);
          return index < 0 ? null : { deletedId: toGlobalId('Task', tasks.splice(index, 1)[0]?.id ?? '') };
        },
      },
      Node: { __resolveType: (node: { __typename: string }) => node.__typename },
      Task: {
        id: (task: Task) => toGlobalId('Task', task.id),
        // The facade's Thread entity, by its global id.
        thread: (task: Task) => ({ __typename: 'Thread', id: toGlobalId('Thread', task.threadId) }),
        __resolveReference: (reference: { id: string }) => {
          const task = taskOf(reference.id);
          return task ? { __typename: 'Task', ...task } : null;
        },
      },
    },
  });

  const server = createServer(createYoga({ schema, logging: false }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    sdl,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
