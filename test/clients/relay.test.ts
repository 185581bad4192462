import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type CacheConfig,
  type ConcreteRequest,
  ConnectionHandler,
  commitMutation,
  createOperationDescriptor,
  Environment,
  fetchQuery,
  getSelector,
  type MutationParameters,
  Network,
  type ReaderFragment,
  RecordSource,
  type RequestParameters,
  Store,
  type Variables,
} from 'relay-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * A Relay app against the facade at its default settings (limits included). relay-compiler 21 compiles
 * test/relay/components.ts against schema/schema.graphql, as a frontend build would; relay-runtime then runs
 * the compiled operations over real HTTP: the connection handler merges pages, `@refetchable` fragments
 * refetch through `node(id:)` and through Query, and mutations update the store from their payloads alone.
 */
const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

let harness: Harness;
let workDirectory: string;
const artifacts = new Map<string, unknown>();
/** The operations each Relay environment sent, by name, in order. */
let sent: string[] = [];

/** Runs relay-compiler on `components` (the source of src/components.ts) in a directory of its own. */
async function compile(components: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'relay-'));
  await mkdir(join(directory, 'src'));
  await mkdir(join(directory, '__generated__'));
  await writeFile(join(directory, 'src', 'components.ts'), components);
  await copyFile(new URL('../../schema/schema.graphql', import.meta.url), join(directory, 'schema.graphql'));
  await writeFile(
    join(directory, 'relay.config.json'),
    JSON.stringify({
      src: './src',
      schema: './schema.graphql',
      language: 'typescript',
      artifactDirectory: './__generated__',
    }),
  );
  try {
    // The npm package's own launcher, which runs the native binary it ships for this platform.
    await execFileAsync(process.execPath, [require.resolve('relay-compiler/cli.js'), 'relay.config.json'], {
      cwd: directory,
    });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return directory;
}

const compileComponents = async () =>
  compile(await readFile(new URL('../relay/components.ts', import.meta.url), 'utf8'));

function artifact<T>(name: string): T {
  const found = artifacts.get(name);
  if (!found) throw new Error(`relay-compiler wrote no ${name}`);
  return found as T;
}
const query = (name: string) => artifact<ConcreteRequest>(name);
const fragment = (name: string) => artifact<ReaderFragment>(name);

function createEnvironment(
  onAnswer?: (answer: { extensions?: Record<string, unknown> }) => void,
): Environment {
  const network = Network.create(async (params: RequestParameters, variables: Variables, _: CacheConfig) => {
    sent.push(params.name);
    const response = await fetch(`${harness.server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json;q=0.9',
        authorization: `Bearer ${DEMO_TOKEN}`,
      },
      body: JSON.stringify({ query: params.text, variables }),
    });
    const body = await response.json();
    onAnswer?.(body);
    // Relay would otherwise store a refusal's empty answer silently: the test must see it.
    if (body.errors) throw new Error(`${params.name}: ${JSON.stringify(body.errors)}`);
    return body;
  });
  return new Environment({ network, store: new Store(new RecordSource()) });
}

/** Reads a fragment from the store, as useFragment would, given the reference its parent read. */
function read<T>(environment: Environment, fragmentName: string, reference: unknown): T {
  const selector = getSelector(fragment(fragmentName), reference as never);
  if (!selector || !('dataID' in selector)) throw new Error(`no selector for ${fragmentName}`);
  return environment.lookup(selector).data as T;
}

/** Runs a query into the store and reads its root selection back, as useLazyLoadQuery would. */
async function load<T>(environment: Environment, name: string, variables: Variables = {}): Promise<T> {
  await fetchQuery(environment, query(name), variables).toPromise();
  return environment.lookup(createOperationDescriptor(query(name), variables).fragment).data as T;
}

function mutate(environment: Environment, name: string, variables: Variables): Promise<unknown> {
  return new Promise((resolve, reject) => {
    commitMutation<MutationParameters>(environment, {
      mutation: query(name),
      variables,
      onCompleted: (response, errors) =>
        errors ? reject(new Error(JSON.stringify(errors))) : resolve(response),
      onError: reject,
    });
  });
}

interface ThreadListData {
  threads: {
    edges: Array<{ cursor: string; node: { id: string } }>;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
  };
}
interface ThreadItemData {
  id: string;
  done: boolean;
  prospect: { id: string; displayName: string };
  lastMessage: { id: string; content: string; author: unknown } | null;
}
interface AuthorData {
  __typename: string;
  id?: string;
  username?: string;
  handle?: string;
}
interface ConversationData {
  id: string;
  done: boolean;
  messages: {
    edges: Array<{ node: { id: string; content: string; author: unknown } }>;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
  };
}

beforeAll(async () => {
  workDirectory = await compileComponents();
  const generated = join(workDirectory, '__generated__');
  for (const file of await readdir(generated)) {
    const module = (await import(join(generated, file))) as { default: unknown };
    artifacts.set(file.replace(/\.graphql\.ts$/, ''), module.default);
  }
  // Default configuration: MAX_DEPTH, MAX_COST, MAX_UPSTREAM_CALLS and the rest as shipped.
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
  if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
});
beforeEach(() => {
  sent = [];
});

/** The ids of the first threads, read directly: what the paged Relay list must equal. */
async function firstThreadIds(count: number): Promise<string[]> {
  const { body } = await harness.graphql<{ threads: { edges: Array<{ node: { id: string } }> } }>(
    `{ threads(first: ${count}) { edges { node { id } } } }`,
  );
  return body.data?.threads.edges.map((edge) => edge.node.id) ?? [];
}

/** A thread of the demo team's first page that can take a message, or has at least `minMessages`. */
async function aThread({ minMessages = 0, canSend = false }): Promise<string> {
  const { body } = await harness.graphql<{
    threads: {
      edges: Array<{
        node: { id: string; accountLink: { status: string }; messages: { edges: unknown[] } };
      }>;
    };
  }>(`{ threads(first: 10) { edges { node { id accountLink { status }
         messages(first: ${Math.max(minMessages, 1)}) { edges { cursor } } } } } }`);
  const found = body.data?.threads.edges.find(
    ({ node }) =>
      node.messages.edges.length >= minMessages && (!canSend || node.accountLink.status === 'ACTIVE'),
  );
  if (!found) throw new Error('the seed has no such thread');
  return found.node.id;
}

describe('relay-compiler 21 against schema/schema.graphql', () => {
  it('compiles connections, refetchable fragments, a union fragment, @defer and edge directives', () => {
    for (const name of [
      'InboxScreenQuery',
      'ThreadListPaginationQuery',
      'ConversationRefetchQuery',
      'DeferredConversationScreenQuery',
      'EventLogPaginationQuery',
      'SendMessageMutation',
      'DeleteThreadMutation',
      'ThreadByNodeScreenQuery',
    ]) {
      expect(query(name).params.text, name).toBeTruthy();
    }
    // Relay's own additions, which used to count as levels of depth.
    const text = query('InboxScreenQuery').params.text ?? '';
    expect(text).toContain('__isMessageAuthor: __typename');
    expect(text).toContain('... on Node');
    expect(query('DeferredConversationScreenQuery').params.text).toContain('@defer(label:');
    expect(query('ConversationRefetchQuery').params.text).toMatch(/node\(id: \$id\)/);
  });

  it('refuses a Thread fragment spread under node(id:) without @alias', async () => {
    const bare = `import { graphql } from 'relay-runtime';
      export const item = graphql\`fragment Item_thread on Thread { id }\`;
      export const screen = graphql\`query ItemScreenQuery($id: ID!) { node(id: $id) { ...Item_thread } }\`;`;
    const refusal = await compile(bare).then(
      (directory) => rm(directory, { recursive: true, force: true }).then(() => 'compiled'),
      (error: { stdout?: string; stderr?: string }) => `${error.stdout}${error.stderr}`,
    );
    expect(refusal).toMatch(/Expected `@alias` directive\. `Item_thread` is defined on `Thread`/);
  });
});

describe('relay-runtime against the facade at the default settings', () => {
  it('two pages of the inbox merge in one connection, with the union fragment readable', async () => {
    const environment = createEnvironment();
    const screen = await load<{ team: { name: string } }>(environment, 'InboxScreenQuery');
    expect(screen.team.name).toBeTruthy();

    const firstPage = read<ThreadListData>(environment, 'ThreadList_query', screen);
    expect(firstPage.threads.edges).toHaveLength(2);
    expect(firstPage.threads.pageInfo.hasNextPage).toBe(true);

    // What usePaginationFragment's loadNext(2) sends.
    await fetchQuery(environment, query('ThreadListPaginationQuery'), {
      count: 2,
      cursor: firstPage.threads.pageInfo.endCursor,
    }).toPromise();
    const merged = read<ThreadListData>(environment, 'ThreadList_query', screen);
    expect(merged.threads.edges.map((edge) => edge.node.id)).toEqual(await firstThreadIds(4));
    expect(sent).toEqual(['InboxScreenQuery', 'ThreadListPaginationQuery']);

    const items = merged.threads.edges.map((edge) =>
      read<ThreadItemData>(environment, 'ThreadItem_thread', edge.node),
    );
    const authors = items
      .map((item) => item.lastMessage?.author)
      .filter((author) => author != null)
      .map((author) => read<AuthorData>(environment, 'MessageAuthor_author', author));
    expect(authors.length).toBeGreaterThan(0);
    for (const author of authors) {
      if (author.__typename === 'AccountLink') expect(author.username).toBeTruthy();
      else expect(author).toMatchObject({ __typename: 'Prospect', handle: expect.any(String) });
    }
  });

  it('extensions.cost comes with each answer; the store keeps none of it and answers a repeat without a request', async () => {
    const answers: Array<{ extensions?: Record<string, unknown> }> = [];
    const environment = createEnvironment((answer) => answers.push(answer));
    await load(environment, 'InboxScreenQuery');
    expect(answers[0]?.extensions?.cost).toMatchObject({ actualQueryCost: expect.any(Number) });
    // What useLazyLoadQuery does by default (store-or-network): the data is in the store, nothing is sent.
    await fetchQuery(
      environment,
      query('InboxScreenQuery'),
      {},
      {
        fetchPolicy: 'store-or-network',
      },
    ).toPromise();
    expect(sent).toEqual(['InboxScreenQuery']);
    expect(JSON.stringify(environment.getStore().getSource().toJSON())).not.toMatch(/"(cost|extensions)"/);
  });

  it('@refetchable on Thread: refetches through node(id:) and pages its messages', async () => {
    const threadId = await aThread({ minMessages: 7 });
    const environment = createEnvironment();
    const screen = await load<{ thread: unknown }>(environment, 'ConversationScreenQuery', { id: threadId });
    const before = read<ConversationData>(environment, 'Conversation_thread', screen.thread);
    expect(before.id).toBe(threadId);
    expect(before.messages.edges).toHaveLength(3);

    // Changed behind Relay's back; a refetch of the fragment through `node` brings it in.
    await harness.graphql(
      'mutation ($input: UpdateThreadInput!) { updateThread(input: $input) { thread { id } } }',
      {
        variables: { input: { id: threadId, done: !before.done } },
      },
    );
    await fetchQuery(environment, query('ConversationRefetchQuery'), { id: threadId, count: 3 }).toPromise();
    expect(read<ConversationData>(environment, 'Conversation_thread', screen.thread).done).toBe(!before.done);

    // loadNext(3) on the messages connection: one more page appended after the current end.
    const refetched = read<ConversationData>(environment, 'Conversation_thread', screen.thread);
    expect(refetched.messages.pageInfo.hasNextPage).toBe(true);
    await fetchQuery(environment, query('ConversationRefetchQuery'), {
      id: threadId,
      count: 3,
      cursor: refetched.messages.pageInfo.endCursor,
    }).toPromise();
    const paged = read<ConversationData>(environment, 'Conversation_thread', screen.thread);
    expect(paged.messages.edges.length).toBeGreaterThan(3);
    expect(new Set(paged.messages.edges.map((edge) => edge.node.id)).size).toBe(paged.messages.edges.length);
    expect(sent).toEqual(['ConversationScreenQuery', 'ConversationRefetchQuery', 'ConversationRefetchQuery']);
  });

  it('a Thread fragment under node(id:) with @alias: the reference for a thread, null for another type', async () => {
    const threadId = await aThread({});
    const environment = createEnvironment();
    type Screen = { node: { ThreadItem_thread: unknown } | null };
    const screen = await load<Screen>(environment, 'ThreadByNodeScreenQuery', { id: threadId });
    const item = read<ThreadItemData>(environment, 'ThreadItem_thread', screen.node?.ThreadItem_thread);
    expect(item.id).toBe(threadId);
    expect(item.prospect.displayName).toBeTruthy();

    const { body } = await harness.graphql<{ tags: Array<{ id: string }> }>('{ tags { id } }');
    const tagId = body.data?.tags[0]?.id;
    if (!tagId) throw new Error('the seed has tags');
    const tag = await load<Screen>(createEnvironment(), 'ThreadByNodeScreenQuery', { id: tagId });
    expect(tag.node).toEqual({ ThreadItem_thread: null });
  });

  it('the compiled @defer operation runs: the thread first, its messages in a later part', async () => {
    const threadId = await aThread({ minMessages: 3 });
    const response = await fetch(`${harness.server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed',
        authorization: `Bearer ${DEMO_TOKEN}`,
      },
      body: JSON.stringify({
        query: query('DeferredConversationScreenQuery').params.text,
        variables: { id: threadId },
      }),
    });
    expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
    const parts = (await response.text())
      .split(/\r?\n---/)
      .map((part) => part.slice(part.indexOf('{')))
      .filter((part) => part.startsWith('{'))
      .map((part) => JSON.parse(part) as Record<string, unknown>);
    expect(parts[0]).toMatchObject({ data: { thread: { id: threadId } }, hasNext: true });
    expect(parts[0]).not.toHaveProperty('data.thread.messages');
    expect(parts[1]).toMatchObject({
      incremental: [
        {
          label: 'DeferredConversationScreenQuery$defer$messages',
          path: ['thread'],
          data: { messages: { edges: expect.arrayContaining([expect.anything()]) } },
        },
      ],
    });
  });

  it('@connection on events pages the event log', async () => {
    // At least two pages in the team's log, whatever the other tests wrote.
    const team = harness.simulator.store.teamByToken(DEMO_TOKEN);
    for (let index = 0; index < 10; index++) team?.emit('tag.updated', { tag: { id: `tag${index}` } });
    const environment = createEnvironment();
    const screen = await load(environment, 'EventLogScreenQuery');
    const first = read<{ events: ThreadListData['threads'] }>(environment, 'EventLog_query', screen);
    expect(first.events.edges).toHaveLength(5);
    expect(first.events.pageInfo.hasNextPage).toBe(true);
    await fetchQuery(environment, query('EventLogPaginationQuery'), {
      count: 5,
      cursor: first.events.pageInfo.endCursor,
    }).toPromise();
    const merged = read<{ events: ThreadListData['threads'] }>(environment, 'EventLog_query', screen);
    const seqs = merged.events.edges.map((edge) => (edge.node as unknown as { seq: number }).seq);
    expect(seqs).toHaveLength(10);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(10);
  });

  it('mutations update the store from their payloads, without a refetch', async () => {
    const environment = createEnvironment();
    const inbox = await load(environment, 'InboxScreenQuery');
    const list = read<ThreadListData>(environment, 'ThreadList_query', inbox);
    const [first, second] = list.threads.edges.map((edge) => edge.node.id);
    if (!first || !second) throw new Error('the seed has threads');
    const item = () => read<ThreadItemData>(environment, 'ThreadItem_thread', list.threads.edges[0]?.node);
    const sendable = await aThread({ canSend: true });
    const screen = await load<{ thread: unknown }>(environment, 'ConversationScreenQuery', { id: sendable });
    const conversation = () => read<ConversationData>(environment, 'Conversation_thread', screen.thread);
    const [wasDone, messageCount] = [item().done, conversation().messages.edges.length];
    sent = [];

    // A field of a record: the payload's `thread { id done }` updates the list row that shows it.
    await mutate(environment, 'MarkDoneMutation', { input: { id: first, done: !wasDone } });
    expect(item().done).toBe(!wasDone);

    // @prependNode: the sent message becomes the newest edge of the thread's messages connection.
    const messages = ConnectionHandler.getConnectionID(sendable, 'Conversation_messages');
    await mutate(environment, 'SendMessageMutation', {
      input: { threadId: sendable, content: 'Sent from Relay' },
      connections: [messages],
    });
    expect(conversation().messages.edges).toHaveLength(messageCount + 1);
    expect(conversation().messages.edges[0]?.node.content).toBe('Sent from Relay');

    // @deleteEdge: the deleted thread leaves the inbox list.
    const threads = ConnectionHandler.getConnectionID('client:root', 'ThreadList_threads');
    await mutate(environment, 'DeleteThreadMutation', { input: { id: second }, connections: [threads] });
    const afterDelete = read<ThreadListData>(environment, 'ThreadList_query', inbox);
    expect(afterDelete.threads.edges.map((edge) => edge.node.id)).toEqual([first]);

    expect(sent).toEqual(['MarkDoneMutation', 'SendMessageMutation', 'DeleteThreadMutation']);
  });
});
