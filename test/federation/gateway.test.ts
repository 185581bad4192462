import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN, type TeamState } from '../../simulator/src/index.js';
import { FirstThreadsWithProspectKeysDocument } from '../generated/graphql.js';
import { composeWithReviews, INBOX_SUBGRAPH, type RunningGateway, startGateway } from '../support/gateway.js';
import { useHarness } from '../support/harness.js';
import { type ReviewsSubgraph, startReviewsSubgraph } from '../support/reviews-subgraph.js';

/**
 * A real Hive Gateway in front of the facade and a second subgraph, all over loopback HTTP: queries that
 * cross both subgraphs, the caller's token reaching the facade, and upstream errors inside entity fetches.
 */
// One 429 must surface as RATE_LIMITED at once rather than be waited out.
const harness = useHarness({ config: { INBOX_MAX_RETRY_AFTER_MS: '0' } });
let reviews: ReviewsSubgraph;
let gateway: RunningGateway;
let unpropagated: RunningGateway;
let acme: TeamState;
let umbra: TeamState;

const reviewsByPlatformId = new Map<string, Array<{ id: string; rating: number; text: string }>>();
const priorityByThreadId = new Map<string, number>();

interface FirstThreads {
  threads: {
    edges: Array<{ node: { inboxId: string; prospect: { platform: string; platformId: string } } }>;
  };
}

beforeAll(async () => {
  const acmeState = harness.simulator.store.teamByToken(DEMO_TOKEN);
  const umbraState = harness.simulator.store.teamByToken(SECOND_TEAM_TOKEN);
  if (!acmeState || !umbraState) throw new Error('the seed has two teams');
  [acme, umbra] = [acmeState, umbraState];

  // The other subgraph knows about the demo team's first five conversations and their prospects.
  const { body } = await harness.graphql(FirstThreadsWithProspectKeysDocument);
  const nodes = body.data?.threads?.edges.map((edge) => edge.node) ?? [];
  nodes.forEach((node, index) => {
    priorityByThreadId.set(node.inboxId, 90 - index * 10);
  });
  const people = [...new Set(nodes.map((node) => node.prospect.platformId))].slice(0, 3);
  people.forEach((platformId, index) => {
    reviewsByPlatformId.set(platformId, [
      { id: `review-${index}-a`, rating: 5 - index, text: 'Quick to answer.' },
      { id: `review-${index}-b`, rating: 3, text: 'Fair.' },
    ]);
  });
  reviews = await startReviewsSubgraph({ reviewsByPlatformId, priorityByThreadId });

  // Composed from the live subgraph SDL, as `hive dev` or `rover supergraph compose` would.
  const { body: service } = await harness.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
  const composed = composeWithReviews({
    inboxSdl: service.data?._service.sdl ?? '',
    inboxUrl: `${harness.server.url}/graphql`,
    reviewsUrl: reviews.url,
  });
  if (!composed.supergraphSdl) throw new Error(`composition failed: ${composed.errors?.join('\n')}`);
  gateway = await startGateway(composed.supergraphSdl, {
    // As a user would configure it: the caller's Inbox token goes to the Inbox subgraph, and only there.
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) =>
        subgraphName === INBOX_SUBGRAPH ? { authorization: request.headers.get('authorization') } : {},
    },
  });
  unpropagated = await startGateway(composed.supergraphSdl);
});
afterAll(async () => {
  await gateway?.close();
  await unpropagated?.close();
  await reviews?.close();
});
beforeEach(() => {
  // The harness resets itself; the other subgraph's records are this suite's.
  reviews.representations.length = 0;
  reviews.authorizations.length = 0;
});

const prospectOf = (team: TeamState, platformId: string) => {
  const prospect = team.prospects.find((candidate) => candidate.platformId === platformId);
  if (!prospect) throw new Error(`no prospect ${platformId}`);
  return prospect;
};
const threadOf = (team: TeamState, id: string) => {
  const thread = team.threads.find((candidate) => candidate.id === id);
  if (!thread) throw new Error(`no thread ${id}`);
  return thread;
};
const statusName = (team: TeamState, statusId: string | null | undefined) =>
  team.statuses.find((status) => status.id === statusId)?.name ?? null;
const reviewsOf = (platformId: string) =>
  (reviewsByPlatformId.get(platformId) ?? []).map(({ id, rating }) => ({ id, rating }));
/** The simulator's calls by path, each counted. */
const callsByPath = () => {
  const counts: Record<string, number> = {};
  for (const call of harness.simulator.calls) counts[call.path] = (counts[call.path] ?? 0) + 1;
  return counts;
};

describe('one query across both subgraphs through the gateway', () => {
  it('from our threads into the other subgraph: priorityScore and Prospect.reviews', async () => {
    const body = await gateway.graphql<FirstThreads>(
      `{ threads(first: 5) { edges { node {
          inboxId priorityScore
          prospect { platformId displayName reviews { id rating } }
      } } } }`,
      { token: DEMO_TOKEN },
    );
    expect(body.errors).toBeUndefined();
    const expected = [...priorityByThreadId.keys()].map((inboxId) => {
      const { prospect } = threadOf(acme, inboxId);
      return {
        node: {
          inboxId,
          priorityScore: priorityByThreadId.get(inboxId),
          prospect: {
            platformId: prospect.platformId,
            displayName: prospect.displayName,
            reviews: reviewsOf(prospect.platformId),
          },
        },
      };
    });
    expect(body.data).toEqual({ threads: { edges: expected } });
    expect(expected.some((edge) => edge.node.prospect.reviews.length > 0)).toBe(true);

    // The other subgraph got our keys as a router sends them: the Platform enum by its GraphQL name.
    const prospectKeys = reviews.representations.filter((rep) => rep.__typename === 'Prospect');
    expect(prospectKeys).toEqual(
      expected.map((edge) => ({
        __typename: 'Prospect',
        platform: threadOf(acme, edge.node.inboxId).prospect.platform.toUpperCase(),
        platformId: edge.node.prospect.platformId,
      })),
    );
    // Everything of ours came from one page of GET /threads (prospects are embedded in threads).
    expect(callsByPath()).toEqual({ '/threads': 1 });
  });

  it('from the other subgraph’s root fields into ours: prospects by `platform platformId`, threads by `inboxId`', async () => {
    const body = await gateway.graphql(
      `{
        reviewedProspects { platform platformId displayName status { name } reviews { rating } }
        urgentThreads { inboxId priorityScore isRequest prospect { displayName } }
      }`,
      { token: DEMO_TOKEN },
    );
    expect(body.errors).toBeUndefined();
    const average = (platformId: string) =>
      reviewsOf(platformId).reduce((sum, review) => sum + review.rating, 0) / reviewsOf(platformId).length;
    const reviewed = [...reviewsByPlatformId.keys()].sort((a, b) => average(b) - average(a));
    const urgent = [...priorityByThreadId.entries()].sort(([, a], [, b]) => b - a).map(([id]) => id);
    expect(body.data).toEqual({
      reviewedProspects: reviewed.map((platformId) => {
        const prospect = prospectOf(acme, platformId);
        return {
          platform: prospect.platform.toUpperCase(),
          platformId,
          displayName: prospect.displayName,
          status: prospect.context.statusId ? { name: statusName(acme, prospect.context.statusId) } : null,
          reviews: reviewsOf(platformId).map(({ rating }) => ({ rating })),
        };
      }),
      urgentThreads: urgent.map((inboxId) => {
        const thread = threadOf(acme, inboxId);
        return {
          inboxId,
          priorityScore: priorityByThreadId.get(inboxId),
          isRequest: thread.isRequest,
          prospect: { displayName: thread.prospect.displayName },
        };
      }),
    });
    // References were resolved in batches: one lookup per person and one GET per thread, never more.
    const calls = callsByPath();
    for (const id of urgent) expect(calls[`/threads/${id}`]).toBe(1);
    expect(calls['/prospects/lookup']).toBe(reviewed.length);
    expect(calls['/statuses'] ?? 0).toBeLessThanOrEqual(1);
    const lookedUp = harness.simulator.calls
      .filter((call) => call.path === '/prospects/lookup')
      .map((call) => call.query.platformId);
    expect(new Set(lookedUp)).toEqual(new Set(reviewed));
  });
});

describe('the caller’s Authorization header reaches the facade through the gateway', () => {
  const TEAM_AND_THREADS =
    '{ team { inboxId name } threads(first: 3) { edges { node { inboxId priorityScore } } } }';
  interface TeamAndThreads {
    team: { inboxId: string; name: string };
    threads: { edges: Array<{ node: { inboxId: string; priorityScore: number } }> };
  }

  it.each([
    { token: DEMO_TOKEN, team: () => acme },
    { token: SECOND_TEAM_TOKEN, team: () => umbra },
  ])('with $token: that team’s data, every upstream call made as that team', async ({ token, team }) => {
    const body = await gateway.graphql<TeamAndThreads>(TEAM_AND_THREADS, { token });
    expect(body.errors).toBeUndefined();
    expect(body.data?.team).toEqual({ inboxId: team().team.id, name: team().team.name });
    const ids = new Set(team().threads.map((thread) => thread.id));
    expect(body.data?.threads.edges).toHaveLength(3);
    for (const { node } of body.data?.threads.edges ?? []) {
      expect(ids.has(node.inboxId)).toBe(true);
      expect(node.priorityScore).toBe(priorityByThreadId.get(node.inboxId) ?? 0);
    }
    expect(harness.simulator.calls.length).toBeGreaterThan(0);
    expect(new Set(harness.simulator.calls.map((call) => call.teamId))).toEqual(new Set([team().team.id]));
    // Scoped propagation: the other subgraph was called, without the Inbox token.
    expect(reviews.authorizations.length).toBeGreaterThan(0);
    expect(new Set(reviews.authorizations)).toEqual(new Set([null]));
  });

  it('without header propagation the facade sees no token: UNAUTHENTICATED, and no upstream call', async () => {
    const body = await unpropagated.graphql('{ team { name } }', { token: DEMO_TOKEN });
    expect(body.data).toEqual({ team: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      serviceName: INBOX_SUBGRAPH,
    });
    expect(harness.simulator.calls).toEqual([]);
  });
});

describe('upstream errors inside entity fetches surface through the gateway with their code', () => {
  it('a 404 on one thread: NOT_FOUND for that item, the other threads and root fields survive', async () => {
    const urgent = [...priorityByThreadId.entries()].sort(([, a], [, b]) => b - a).map(([id]) => id);
    const missing = urgent[1] ?? '';
    harness.simulator.injectFault({
      kind: 'status',
      status: 404,
      path: `/threads/${missing}`,
      body: { error: { code: 'NOT_FOUND', message: 'Thread not found', status: 404 } },
    });
    const body = await gateway.graphql<{
      team: { name: string };
      urgentThreads: Array<{ inboxId: string; prospect: { displayName: string } } | null>;
    }>('{ team { name } urgentThreads { inboxId priorityScore prospect { displayName } } }', {
      token: DEMO_TOKEN,
    });
    expect(body.data?.team).toEqual({ name: acme.team.name });
    expect(body.data?.urgentThreads).toEqual(
      urgent.map((inboxId) =>
        inboxId === missing
          ? null
          : {
              inboxId,
              priorityScore: priorityByThreadId.get(inboxId),
              prospect: { displayName: threadOf(acme, inboxId).prospect.displayName },
            },
      ),
    );
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.message).toBe('Thread not found');
    expect(body.errors?.[0]?.path?.[0]).toBe('urgentThreads');
    expect(body.errors?.[0]?.extensions).toEqual({
      code: 'NOT_FOUND',
      upstream: {
        status: 404,
        code: 'NOT_FOUND',
        message: 'Thread not found',
        method: 'GET',
        path: `/threads/${missing}`,
      },
      serviceName: INBOX_SUBGRAPH,
    });
  });

  it('a 429 on one prospect lookup: RATE_LIMITED with retryAfter, the other prospects survive', async () => {
    harness.simulator.injectFault({
      kind: 'status',
      status: 429,
      path: '/prospects/lookup',
      headers: { 'Retry-After': '30' },
      body: { error: { code: 'RATE_LIMITED', message: 'Too many requests', status: 429 } },
    });
    const body = await gateway.graphql<{
      reviewedProspects: Array<{ platformId: string; displayName: string } | null>;
    }>('{ reviewedProspects { platformId displayName } }', { token: DEMO_TOKEN });
    const limited = harness.simulator.calls.find((call) => call.status === 429);
    expect(limited?.path).toBe('/prospects/lookup');
    const items = body.data?.reviewedProspects ?? [];
    expect(items).toHaveLength(reviewsByPlatformId.size);
    expect(items.filter((item) => item === null)).toHaveLength(1);
    for (const item of items) {
      if (item) expect(item.displayName).toBe(prospectOf(acme, item.platformId).displayName);
    }
    expect(items.some((item) => item?.platformId === limited?.query.platformId)).toBe(false);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 30,
      upstream: { status: 429, path: '/prospects/lookup' },
      serviceName: INBOX_SUBGRAPH,
    });
  });
});
