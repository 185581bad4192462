import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { INBOX_SUBGRAPH, type RunningGateway, startGateway } from '../support/gateway.js';
import { type Harness, startHarness } from '../support/harness.js';
import {
  nodeTypesOf,
  startTasksSubgraph,
  type Task,
  type TasksSubgraph,
  tasksSdl,
  toGlobalId,
} from '../support/tasks-subgraph.js';

/**
 * The facade beside a second Relay subgraph: both declare PageInfo and connections, and both serve Node.
 * Composition with @apollo/composition, then queries through a real Hive Gateway that cross both subgraphs.
 */
const INBOX_URL = 'http://inbox.internal/graphql';
const TASKS_URL = 'http://tasks.internal/graphql';

let inboxSdl: string;
let harness: Harness;
let tasks: TasksSubgraph;
let gateway: RunningGateway;
const taskList: Task[] = [];

function compose(tasksTypeDefs: string, urls = { inbox: INBOX_URL, tasks: TASKS_URL }) {
  return composeServices([
    { name: INBOX_SUBGRAPH, typeDefs: parse(inboxSdl), url: urls.inbox },
    { name: 'tasks', typeDefs: parse(tasksTypeDefs), url: urls.tasks },
  ]);
}

beforeAll(async () => {
  inboxSdl = await readFile(new URL('../../schema/subgraph.graphql', import.meta.url), 'utf8');
  harness = await startHarness();
  const { body } = await harness.graphql<{ threads: { edges: Array<{ node: { inboxId: string } }> } }>(
    '{ threads(first: 3) { edges { node { inboxId } } } }',
  );
  for (const [index, edge] of (body.data?.threads.edges ?? []).entries()) {
    taskList.push({ id: `task${index}`, title: `Follow up #${index}`, threadId: edge.node.inboxId });
  }
  tasks = await startTasksSubgraph({ tasks: taskList, foreignNodeTypes: nodeTypesOf(inboxSdl) });
  const composed = compose(tasks.sdl, { inbox: `${harness.server.url}/graphql`, tasks: tasks.url });
  if (!composed.supergraphSdl) throw new Error(`composition failed: ${composed.errors?.join('\n')}`);
  gateway = await startGateway(composed.supergraphSdl, {
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) =>
        subgraphName === INBOX_SUBGRAPH ? { authorization: request.headers.get('authorization') } : {},
    },
  });
});
afterAll(async () => {
  await gateway?.close();
  await tasks?.close();
  await harness?.close();
});

describe('composition with a second Relay subgraph', () => {
  it('its own `type PageInfo @shareable`, `DeletePayload` and connection compose with ours', () => {
    const withoutNode = tasksSdl({ foreignNodeTypes: [], node: 'none' });
    expect(withoutNode).not.toContain('node(id');
    const result = compose(withoutNode);
    expect(result.errors?.map(String)).toBeUndefined();
    const pageInfo = result.supergraphSdl?.match(/type PageInfo[^{]*/)?.[0] ?? '';
    expect(pageInfo).toContain('@join__type(graph: INBOX)');
    expect(pageInfo).toContain('@join__type(graph: TASKS)');
    const deletePayload = result.supergraphSdl?.match(/type DeletePayload[^{]*/)?.[0] ?? '';
    expect(deletePayload).toContain('@join__type(graph: INBOX)');
    expect(deletePayload).toContain('@join__type(graph: TASKS)');
  });

  it('two subgraphs that each serve `node(id:)` do not compose: the known Relay + federation problem', () => {
    const result = compose(tasksSdl({ foreignNodeTypes: [], node: 'own' }));
    expect(result.errors?.map((error) => error.extensions.code)).toContain('INVALID_FIELD_SHARING');
    expect(String(result.errors?.[0])).toContain('Query.node');
  });

  it('the pattern: one subgraph owns node/nodes for every Node type, overriding ours', () => {
    const result = compose(tasks.sdl);
    expect(result.errors?.map(String)).toBeUndefined();
    const hints = new Set((result.hints ?? []).map((hint) => hint.definition.code));
    // Composition only suggests removing the overridden fields from the facade; they stay for direct clients.
    expect([...hints].filter((code) => code !== 'INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE')).toEqual([
      'OVERRIDDEN_FIELD_CAN_BE_REMOVED',
    ]);
    expect(nodeTypesOf(inboxSdl).sort()).toEqual(
      ['AccountLink', 'Campaign', 'Member', 'Message', 'Prospect', 'Status', 'Tag', 'Team', 'Thread'].sort(),
    );
  });
});

describe('through Hive Gateway', () => {
  interface Connections {
    threads: {
      pageInfo: { hasNextPage: boolean; endCursor: string };
      edges: Array<{ node: { id: string; inboxId: string } }>;
    };
    tasks: {
      pageInfo: { hasNextPage: boolean; endCursor: string };
      edges: Array<{
        node: { id: string; title: string; thread: { inboxId: string; prospect: { id: string } } };
      }>;
    };
  }

  it('one query pages both connections and crosses from a task into the facade’s thread', async () => {
    const body = await gateway.graphql<Connections>(
      `{
        threads(first: 2) { pageInfo { hasNextPage endCursor } edges { node { id inboxId } } }
        tasks(first: 2) {
          pageInfo { hasNextPage endCursor }
          edges { node { id title thread { id inboxId prospect { id displayName } } } }
        }
      }`,
      { token: DEMO_TOKEN },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.threads.edges).toHaveLength(2);
    expect(body.data?.threads.pageInfo.hasNextPage).toBe(true);
    expect(body.data?.tasks.pageInfo).toEqual({ hasNextPage: true, endCursor: '2' });
    expect(body.data?.tasks.edges.map((edge) => edge.node.thread.inboxId)).toEqual(
      taskList.slice(0, 2).map((task) => task.threadId),
    );
    expect(body.data?.tasks.edges.every((edge) => edge.node.thread.prospect.id)).toBe(true);

    const next = await gateway.graphql<Connections>(
      '{ tasks(first: 2, after: "2") { pageInfo { hasNextPage } edges { node { title } } } }',
    );
    expect(next.data?.tasks.edges.map((edge) => edge.node.title)).toEqual([taskList[2]?.title]);
  });

  it('node(id:) and nodes(ids:) resolve the ids of both subgraphs', async () => {
    const threadId = toGlobalId('Thread', taskList[0]?.threadId ?? '');
    const taskId = toGlobalId('Task', 'task1');
    const body = await gateway.graphql<{
      thread: { __typename: string; id: string; done: boolean; prospect: { displayName: string } };
      nodes: Array<{ __typename: string; id: string } | null>;
    }>(
      `query ($thread: ID!, $ids: [ID!]!) {
        thread: node(id: $thread) { __typename id ... on Thread { done prospect { displayName } } }
        nodes(ids: $ids) { __typename id ... on Task { title } ... on Thread { inboxId } }
      }`,
      {
        token: DEMO_TOKEN,
        variables: { thread: threadId, ids: [taskId, threadId, toGlobalId('Nothing', 'x')] },
      },
    );
    expect(body.errors).toBeUndefined();
    const direct = await harness.graphql<{ thread: { done: boolean; prospect: { displayName: string } } }>(
      'query ($id: ID!) { thread(id: $id) { done prospect { displayName } } }',
      { variables: { id: threadId } },
    );
    expect(body.data?.thread).toEqual({ __typename: 'Thread', id: threadId, ...direct.body.data?.thread });
    expect(body.data?.nodes).toEqual([
      { __typename: 'Task', id: taskId, title: 'Follow up #1' },
      { __typename: 'Thread', id: threadId, inboxId: taskList[0]?.threadId },
      null,
    ]);
  });

  it('an id of ours that names nothing is null with the facade’s error', async () => {
    const body = await gateway.graphql<{ node: unknown }>(
      'query ($id: ID!) { node(id: $id) { id ... on Thread { done } } }',
      { token: DEMO_TOKEN, variables: { id: toGlobalId('Thread', 'nosuchthread0000000000000') } },
    );
    expect(body.data?.node ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
