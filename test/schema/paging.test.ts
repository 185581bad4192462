import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import {
  EventPageDocument,
  ThreadMessagePageDocument,
  ThreadPageDocument,
  type ThreadPageQuery,
} from '../generated/graphql.js';
import { useHarness } from '../support/harness.js';

const harness = useHarness();

/** A page of threads; a page of a thread's messages has the same shape. */
type Page = ThreadPageQuery['threads'];

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

/** Follows `endCursor` from the first page to the last; `variables` are the same on every page. */
async function graphqlWalk<TData, TVariables extends { after?: string | null }>(
  operation: TypedDocumentNode<TData, TVariables>,
  pick: (data: TData) => Page | undefined,
  variables: Omit<TVariables, 'after'>,
) {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const { body } = await harness.graphql(operation, { variables: { ...variables, after } as TVariables });
    expect(body.errors).toBeUndefined();
    if (!body.data) throw new Error('no data');
    const page = pick(body.data);
    if (!page) throw new Error('no page');
    pages++;
    ids.push(...page.edges.map((edge) => edge.node.inboxId));
    if (!page.pageInfo.hasNextPage) return { ids, pages };
    expect(page.pageInfo.endCursor).toBeTruthy();
    after = page.pageInfo.endCursor;
  }
}

describe('Relay paging over the upstream keyset cursor', () => {
  it('walking threads(first: 50) visits every thread exactly once, in order', async () => {
    const { ids, pages } = await graphqlWalk(ThreadPageDocument, (data) => data.threads, { first: 50 });
    const expected = await restWalk('/threads', 'threads');
    expect(expected.length).toBeGreaterThan(100);
    expect(ids).toEqual(expected);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBe(Math.ceil(expected.length / 50));
  });

  it('ascending order and filters are kept from page to page', async () => {
    const { ids } = await graphqlWalk(ThreadPageDocument, (data) => data.threads, {
      first: 30,
      sortOrder: 'ASC',
      inbox: 'ARCHIVED',
    });
    const expected = await restWalk('/threads', 'threads', '&inbox=archived&filters[sortOrder]=asc');
    expect(expected.length).toBeGreaterThan(0);
    expect(ids).toEqual(expected);
  });

  it('an edge cursor resumes right after its item', async () => {
    const { body } = await harness.graphql(ThreadPageDocument, { variables: { first: 10 } });
    const edges = body.data?.threads?.edges ?? [];
    const resumed = await harness.graphql(ThreadPageDocument, {
      variables: { first: 5, after: edges[4]?.cursor },
    });
    expect(resumed.body.data?.threads?.edges.map((edge) => edge.node.inboxId)).toEqual(
      edges.slice(5, 10).map((edge) => edge.node.inboxId),
    );
  });

  it('thread(id).messages pages likewise, through every message once, in order', async () => {
    const state = harness.simulator.store.teamByToken(DEMO_TOKEN);
    const [threadId] =
      [...(state?.messagesByThread ?? new Map()).entries()].find(([, messages]) => messages.length > 100) ??
      [];
    expect(threadId).toBeDefined();
    const { ids, pages } = await graphqlWalk(ThreadMessagePageDocument, (data) => data.thread?.messages, {
      id: threadId,
      first: 40,
    });
    const expected = await restWalk(`/threads/${threadId}/messages`, 'messages');
    expect(ids).toEqual(expected);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('events page by sequence', async () => {
    const { body } = await harness.graphql(EventPageDocument, { variables: { first: 2 } });
    const first = body.data?.events;
    expect(first?.edges.length).toBeGreaterThan(0);
    const seqs = first?.edges.map((edge) => edge.node.seq) ?? [];
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    if (first?.pageInfo.hasNextPage) {
      const next = await harness.graphql(EventPageDocument, {
        variables: { first: 2, after: first.pageInfo.endCursor },
      });
      expect(next.body.data?.events?.edges[0]?.node.seq).toBeGreaterThan(seqs.at(-1) ?? 0);
    }
  });
});
