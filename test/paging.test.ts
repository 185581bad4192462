import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../src/simulator/index.js';
import { type Harness, startHarness } from './support/harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());

interface Page {
  edges: Array<{ cursor: string; node: { inboxId: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Walks a REST keyset collection to its end, as a client of the REST API would. */
async function restWalk(path: string, key: 'threads' | 'messages', extra = ''): Promise<string[]> {
  const ids: string[] = [];
  let cursor = '';
  for (;;) {
    const response = await fetch(`${harness.simulator.url}${path}?limit=100${extra}${cursor}`, {
      headers: { authorization: `Bearer ${DEMO_TOKEN}` },
    });
    const page = await response.json();
    ids.push(...page[key].map((item: { id: string }) => item.id));
    if (!page.nextCursor) return ids;
    cursor = `&cursorId=${page.nextCursor.id}&cursorTimestamp=${encodeURIComponent(page.nextCursor.timestamp)}`;
  }
}

async function graphqlWalk(query: string, pick: (data: Record<string, unknown>) => Page, variables = {}) {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const { body } = await harness.graphql(query, { variables: { ...variables, after } });
    expect(body.errors).toBeUndefined();
    const page = pick(body.data as Record<string, unknown>);
    pages++;
    ids.push(...page.edges.map((edge) => edge.node.inboxId));
    if (!page.pageInfo.hasNextPage) return { ids, pages };
    expect(page.pageInfo.endCursor).toBeTruthy();
    after = page.pageInfo.endCursor;
  }
}

describe('Relay paging over the upstream keyset cursor', () => {
  it('walking threads(first: 50) visits every thread exactly once, in order', async () => {
    const query = `query ($after: String) { threads(first: 50, after: $after) {
      edges { cursor node { inboxId } } pageInfo { hasNextPage endCursor } } }`;
    const { ids, pages } = await graphqlWalk(query, (data) => data.threads as Page);
    const expected = await restWalk('/threads', 'threads');
    expect(expected.length).toBeGreaterThan(100);
    expect(ids).toEqual(expected);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBe(Math.ceil(expected.length / 50));
  });

  it('ascending order and filters are kept from page to page', async () => {
    const query = `query ($after: String) { threads(first: 30, after: $after, sortOrder: ASC, inbox: ARCHIVED) {
      edges { cursor node { inboxId } } pageInfo { hasNextPage endCursor } } }`;
    const { ids } = await graphqlWalk(query, (data) => data.threads as Page);
    const expected = await restWalk('/threads', 'threads', '&inbox=archived&filters[sortOrder]=asc');
    expect(expected.length).toBeGreaterThan(0);
    expect(ids).toEqual(expected);
  });

  it('an edge cursor resumes right after its item', async () => {
    const { body } = await harness.graphql<{ threads: Page }>(
      '{ threads(first: 10) { edges { cursor node { inboxId } } pageInfo { hasNextPage endCursor } } }',
    );
    const edges = body.data?.threads.edges ?? [];
    const resumed = await harness.graphql<{ threads: Page }>(
      'query ($after: String) { threads(first: 5, after: $after) { edges { cursor node { inboxId } } pageInfo { hasNextPage endCursor } } }',
      { variables: { after: edges[4]?.cursor } },
    );
    expect(resumed.body.data?.threads.edges.map((edge) => edge.node.inboxId)).toEqual(
      edges.slice(5, 10).map((edge) => edge.node.inboxId),
    );
  });

  it('thread(id).messages pages likewise, through every message once, in order', async () => {
    const state = harness.simulator.store.teamByToken(DEMO_TOKEN);
    const [threadId] =
      [...(state?.messagesByThread ?? new Map()).entries()].find(([, messages]) => messages.length > 100) ??
      [];
    expect(threadId).toBeDefined();
    const query = `query ($id: ID!, $after: String) { thread(id: $id) { messages(first: 40, after: $after) {
      edges { cursor node { inboxId } } pageInfo { hasNextPage endCursor } } } }`;
    const { ids, pages } = await graphqlWalk(query, (data) => (data.thread as { messages: Page }).messages, {
      id: threadId,
    });
    const expected = await restWalk(`/threads/${threadId}/messages`, 'messages');
    expect(ids).toEqual(expected);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('events page by sequence', async () => {
    const { body } = await harness.graphql<{
      events: {
        edges: Array<{ cursor: string; node: { seq: number } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    }>('{ events(first: 2) { edges { cursor node { seq } } pageInfo { hasNextPage endCursor } } }');
    const first = body.data?.events;
    expect(first?.edges.length).toBeGreaterThan(0);
    const seqs = first?.edges.map((edge) => edge.node.seq) ?? [];
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    if (first?.pageInfo.hasNextPage) {
      const next = await harness.graphql<{ events: { edges: Array<{ node: { seq: number } }> } }>(
        'query ($after: String) { events(first: 2, after: $after) { edges { node { seq } } } }',
        { variables: { after: first.pageInfo.endCursor } },
      );
      expect(next.body.data?.events.edges[0]?.node.seq).toBeGreaterThan(seqs.at(-1) ?? 0);
    }
  });
});
