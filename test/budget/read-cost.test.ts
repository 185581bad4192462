import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { InboxPageDocument, ThreadsWithProspectThreadsDocument } from '../generated/graphql.js';
import { useHarness } from '../support/harness.js';

/** The inbox page of a frontend: a list of threads with everything a row shows. */
const INBOX_PAGE = InboxPageDocument;

// What the query model costs upstream: the response cache (test/caching/response-cache.test.ts) would answer a
// repeat within its TTL with no call at all.
const harness = useHarness({ config: { RESPONSE_CACHE_TTL_MS: '0' } });

const callsByPath = () => {
  const counts: Record<string, number> = {};
  for (const call of harness.simulator.calls) counts[call.path] = (counts[call.path] ?? 0) + 1;
  return counts;
};

/** The same page read straight from the REST API, to compare what the facade returns. */
async function restJson(path: string) {
  const response = await fetch(`${harness.simulator.url}${path}`, {
    headers: { authorization: `Bearer ${DEMO_TOKEN}` },
  });
  return response.json();
}

describe('the inbox page costs one upstream call per REST endpoint involved', () => {
  it.each([50, 100])(
    '%i threads: 6 calls (team, threads, account-links, members, tags, statuses)',
    async (first) => {
      const { body } = await harness.graphql(INBOX_PAGE, { variables: { first } });
      expect(body.errors).toBeUndefined();
      expect(body.data?.threads?.edges).toHaveLength(first);
      expect(callsByPath()).toEqual({
        '/team': 1,
        '/threads': 1,
        '/account-links': 1,
        '/members': 1,
        '/tags': 1,
        '/statuses': 1,
      });
      expect(harness.simulator.calls.find((call) => call.path === '/threads')?.query).toMatchObject({
        limit: String(first),
      });
    },
  );

  it('returns what the REST API holds, resolved through the collections', async () => {
    const { body } = await harness.graphql(INBOX_PAGE, { variables: { first: 50 } });
    harness.simulator.resetCalls();
    const [page, links, members, tags, statuses] = await Promise.all([
      restJson('/threads?limit=50'),
      restJson('/account-links'),
      restJson('/members'),
      restJson('/tags'),
      restJson('/statuses'),
    ]);
    const nameOf = (list: Array<{ id: string; name: string }>, id: string) =>
      list.find((item) => item.id === id)?.name;
    const expected = page.threads.map(
      (thread: {
        id: string;
        accountLinkId: string;
        assigneeId: string | null;
        prospect: { displayName: string; context: { tags: string[]; statusId: string | null } };
      }) => ({
        inboxId: thread.id,
        accountLink: links.find((link: { id: string }) => link.id === thread.accountLinkId)?.username,
        assignee: members.find((member: { id: string }) => member.id === thread.assigneeId)?.email ?? null,
        prospect: thread.prospect.displayName,
        tags: thread.prospect.context.tags.map((id) => nameOf(tags, id)),
        status: thread.prospect.context.statusId ? nameOf(statuses, thread.prospect.context.statusId) : null,
      }),
    );
    const actual = body.data?.threads?.edges.map(({ node }) => ({
      inboxId: node.inboxId,
      accountLink: node.accountLink?.username,
      assignee: node.assignee?.email ?? null,
      prospect: node.prospect.displayName,
      tags: (node.prospect.tags ?? []).map((tag) => tag.name),
      status: node.prospect.status?.name ?? null,
    }));
    expect(actual).toEqual(expected);
    // The page is varied enough for the comparison to mean something.
    expect(new Set(actual?.map((row) => row.assignee)).size).toBeGreaterThan(1);
    expect(actual?.some((row) => row.tags.length > 0)).toBe(true);
    expect(actual?.some((row) => row.status !== null)).toBe(true);
  });

  it('repeating it in a new request costs no more; the collection cache makes it one call', async () => {
    await harness.graphql(INBOX_PAGE, { variables: { first: 50 } });
    harness.simulator.resetCalls();
    const { body } = await harness.graphql(INBOX_PAGE, { variables: { first: 50 } });
    expect(body.errors).toBeUndefined();
    expect(callsByPath()).toEqual({ '/threads': 1 });
  });

  describe('without the collection cache', () => {
    const uncached = useHarness({ config: { COLLECTION_CACHE_TTL_MS: '0' } });

    it('a new request costs the same 6 again', async () => {
      for (let round = 0; round < 2; round++) {
        uncached.simulator.resetCalls();
        await uncached.graphql(INBOX_PAGE, { variables: { first: 50 } });
        expect(uncached.simulator.calls).toHaveLength(6);
      }
    });
  });

  it('Prospect.threads costs one lookup per distinct prospect, never a read per thread', async () => {
    const { body } = await harness.graphql(ThreadsWithProspectThreadsDocument);
    expect(body.errors).toBeUndefined();
    const edges = body.data?.threads?.edges ?? [];
    const state = harness.simulator.store.teamByToken(DEMO_TOKEN);
    for (const { node } of edges) {
      const prospect = state?.threads.find((thread) => thread.id === node.inboxId)?.prospect;
      const expected = state?.threads.filter((thread) => thread.prospect.platformId === prospect?.platformId);
      expect(node.prospect.threads?.map((thread) => thread.inboxId).sort()).toEqual(
        expected?.map((thread) => thread.id).sort(),
      );
    }
    const usernames = new Set(edges.map(({ node }) => node.prospect.username));
    expect(callsByPath()).toEqual({ '/threads': 1, '/threads/lookup-by-username': usernames.size });
  });
});

describe('refusals cost nothing upstream', () => {
  it.each([
    ['threads(first: 101)', 'first'],
    ['threads(first: 0)', 'first'],
    ['threads(after: "not-a-cursor")', 'after'],
    ['thread(id: "Not An Id!")', 'id'],
  ])('%s → BAD_USER_INPUT naming `%s`', async (field, named) => {
    const selection = field.startsWith('thread(') ? '{ id }' : '{ edges { cursor } }';
    const { body } = await harness.graphql(`{ ${field} ${selection} }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: named });
    expect(harness.simulator.calls).toHaveLength(0);
  });
});
