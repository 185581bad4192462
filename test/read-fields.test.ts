import { encodeGlobalID } from '@pothos/plugin-relay';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../src/examples.js';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN, type TeamState } from '../src/simulator/index.js';
import { useHarness } from './support/harness.js';

const harness = useHarness();
let acme: TeamState;
let umbra: TeamState;

beforeAll(() => {
  acme = harness.simulator.store.teamByToken(DEMO_TOKEN) as TeamState;
  umbra = harness.simulator.store.teamByToken(SECOND_TEAM_TOKEN) as TeamState;
});

/** Runs an operation that must succeed. Results are checked by assertions, so they are loosely typed. */
// biome-ignore lint/suspicious/noExplicitAny: GraphQL results here are checked by assertions, not by types
async function data<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const { body } = await harness.graphql<T>(query, { variables });
  expect(body.errors).toBeUndefined();
  return body.data as T;
}

const paths = () => harness.simulator.calls.map((call) => call.path);

describe('collections and typed lookups', () => {
  it('members, account links, tags and statuses are the REST collections, with their fields', async () => {
    const result = await data(`{
      members { id inboxId userId name email imageUrl role createdAt updatedAt }
      accountLinks { id inboxId platform platformId name username imageUrl status createdAt syncedAt }
      tags { id inboxId name color }
      statuses { id inboxId name color createdAt }
    }`);
    expect(result.members.map((m: { inboxId: string }) => m.inboxId)).toEqual(acme.members.map((m) => m.id));
    expect(result.members[0]).toMatchObject({
      userId: acme.members[0]?.userId,
      email: acme.members[0]?.email,
      role: acme.members[0]?.role.toUpperCase(),
    });
    expect(result.accountLinks.map((l: { status: string }) => l.status)).toEqual(
      acme.accountLinks.map((link) => link.status.toUpperCase()),
    );
    expect(result.tags.map((t: { name: string }) => t.name)).toEqual(acme.tags.map((tag) => tag.name));
    expect(result.statuses.map((s: { color: string | null }) => s.color)).toEqual(
      acme.statuses.map((s) => s.color),
    );
    expect(paths().sort()).toEqual(['/account-links', '/members', '/statuses', '/tags']);
  });

  it.each([
    ['member', 'Member', () => acme.members[1]?.id],
    ['accountLink', 'AccountLink', () => acme.accountLinks[1]?.id],
    ['tag', 'Tag', () => acme.tags[2]?.id],
    ['status', 'Status', () => acme.statuses[2]?.id],
    ['thread', 'Thread', () => acme.threads[3]?.id],
    ['campaign', 'Campaign', () => acme.campaigns[0]?.campaign.id],
  ] as const)('%s(id:) accepts the global and the raw id alike', async (field, typename, rawId) => {
    const inboxId = rawId() as string;
    const globalId = encodeGlobalID(typename, inboxId);
    const byGlobal = await data(`{ ${field}(id: "${globalId}") { id inboxId } }`);
    const byRaw = await data(`{ ${field}(id: "${inboxId}") { id inboxId } }`);
    expect(byGlobal[field]).toEqual({ id: globalId, inboxId });
    expect(byRaw[field]).toEqual(byGlobal[field]);
  });

  it('a global id of another type is refused before any upstream call', async () => {
    const tagId = encodeGlobalID('Tag', acme.tags[0]?.id as string);
    const { body } = await harness.graphql(`{ thread(id: "${tagId}") { id } }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(body.errors?.[0]?.message).toMatch(/Thread id, not a Tag id/);
    expect(harness.simulator.calls).toHaveLength(0);
  });

  it('an id the team does not have is null, not an error', async () => {
    const result = await data(
      '{ member(id: "zzzzzzzzzzzzzzzzzzzzzzzz") { id } tag(id: "zzzzzzzzzzzzzzzzzzzzzzzz") { id } }',
    );
    expect(result).toEqual({ member: null, tag: null });
  });

  it('another team’s thread is FORBIDDEN, with a null field', async () => {
    const { body } = await harness.graphql(`{ thread(id: "${umbra.threads[0]?.id}") { id } }`);
    expect(body.data).toEqual({ thread: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', upstream: { status: 403 } });
  });

  it.each([
    ['ALL', '/colors'],
    ['TAGS', '/tags/colors'],
    ['STATUSES', '/statuses/colors'],
  ])('colors(scope: %s) reads %s', async (scope, path) => {
    const result = await data(`{ colors(scope: ${scope}) { name hex } }`);
    expect(result.colors.length).toBeGreaterThan(0);
    expect(result.colors[0].hex).toMatch(/^#[0-9a-f]{6}$/i);
    expect(paths()).toEqual([path]);
  });
});

describe('node and nodes resolve every Node type', () => {
  it('each global id read from the API resolves back to the same object', async () => {
    const seen = await data(`{
      team { id }
      members { id }
      accountLinks { id }
      tags { id }
      statuses { id }
      threads(first: 3) { edges { node { id prospect { id } messages(first: 2) { edges { node { id } } } } } }
    }`);
    const thread = seen.threads.edges[0].node;
    const campaignId = encodeGlobalID('Campaign', acme.campaigns[0]?.campaign.id as string);
    const ids: string[] = [
      seen.team.id,
      seen.members[0].id,
      seen.accountLinks[0].id,
      seen.tags[0].id,
      seen.statuses[0].id,
      thread.id,
      thread.prospect.id,
      thread.messages.edges[0].node.id,
      campaignId,
    ];
    const result = await data('query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', { ids });
    expect(result.nodes.map((node: { id: string }) => node.id)).toEqual(ids);
    expect(result.nodes.map((node: { __typename: string }) => node.__typename)).toEqual([
      'Team',
      'Member',
      'AccountLink',
      'Tag',
      'Status',
      'Thread',
      'Prospect',
      'Message',
      'Campaign',
    ]);
  });

  it('an unknown id is a null node, as Relay expects, and its neighbours still resolve', async () => {
    const ids = [acme.threads[0]?.id, 'zzzzzzzzzzzzzzzzzzzzzzzz', acme.threads[1]?.id].map((id) =>
      encodeGlobalID('Thread', id as string),
    );
    const { body } = await harness.graphql<{ nodes: Array<{ id: string } | null> }>(
      'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      { variables: { ids } },
    );
    expect(body).toEqual({ data: { nodes: [{ id: ids[0] }, null, { id: ids[2] }] } });
  });

  it('a message read by id alone comes from its history, equal to its page entry', async () => {
    const fields = 'id inboxId content createdAt direction isEdited sentBy { email } author { __typename }';
    const page = await data(
      `{ threads(first: 1) { edges { node { messages(first: 1) { edges { node { ${fields} } } } } } } }`,
    );
    const listed = page.threads.edges[0].node.messages.edges[0].node;
    harness.simulator.resetCalls();
    const result = await data(`query ($id: ID!) { node(id: $id) { ... on Message { ${fields} } } }`, {
      id: listed.id,
    });
    expect(result.node).toEqual(listed);
    expect(paths().filter((path) => path.endsWith('/history'))).toHaveLength(1);
  });
});

describe('threads', () => {
  it('maps every filter group to the upstream parameters of GET /threads', async () => {
    const [tag, status, member, link, campaign] = [
      acme.tags[0]?.id,
      acme.statuses[0]?.id,
      acme.members[0]?.id,
      acme.accountLinks[0]?.id,
      acme.campaigns[0]?.campaign.id,
    ];
    await data(
      `query ($tag: ID!, $status: ID!, $member: ID!, $link: ID!, $campaign: ID!) {
        threads(first: 10, inbox: NO_REPLY, sortOrder: ASC, accountLinkIds: [$link],
          filter: { tags: { ids: [$tag] }, statuses: { ids: [$status] }, assignees: { ids: [$member] },
                    campaigns: { ids: [$campaign] } }) { edges { node { id } } }
        unassigned: threads(first: 5, filter: { assignees: { none: true }, tags: { none: true },
          statuses: { none: true }, campaigns: { none: true } }) { edges { node { id } } }
      }`,
      { tag: encodeGlobalID('Tag', tag as string), status, member, link, campaign },
    );
    const queries = harness.simulator.calls
      .filter((call) => call.path === '/threads')
      .map((call) => call.query);
    expect(queries).toContainEqual({
      limit: '10',
      inbox: 'no-reply',
      accountLinkIds: [link],
      filters: {
        tags: { selectedIds: [tag] },
        statuses: { selectedIds: [status] },
        assignees: { selectedIds: [member] },
        campaigns: { selectedIds: [campaign] },
        sortOrder: 'asc',
      },
    });
    expect(queries).toContainEqual({
      limit: '5',
      filters: {
        tags: { noTags: 'true' },
        statuses: { noStatus: 'true' },
        assignees: { noAssignee: 'true' },
        campaigns: { noCampaign: 'true' },
        sortOrder: 'desc',
      },
    });
  });

  it('a tag filter returns exactly the threads whose prospect has the tag', async () => {
    const tag = acme.tags.find((candidate) =>
      acme.threads.some((thread) => thread.prospect.context.tags.includes(candidate.id)),
    );
    const result = await data(
      `query ($tag: ID!) { threads(first: 100, inbox: ARCHIVED, filter: { tags: { ids: [$tag] } }) {
        edges { node { inboxId prospect { tags { inboxId } } } } } }`,
      { tag: tag?.id },
    );
    for (const { node } of result.threads.edges) {
      expect(node.prospect.tags.map((t: { inboxId: string }) => t.inboxId)).toContain(tag?.id);
    }
    const expected = acme.threads.filter(
      (thread) => thread.done && thread.prospect.context.tags.includes(tag?.id as string),
    );
    expect(result.threads.edges).toHaveLength(Math.min(expected.length, 100));
  });

  it('exposes every thread field as the REST thread has it', async () => {
    const rest = acme.threads.find((thread) => thread.assigneeId && thread.lastMessage?.userId);
    const result = await data(
      `query ($id: ID!) { thread(id: $id) {
        inboxId platform platformId url done status variant isRequest isSyncing typingIndicatorsEnabled
        createdAt lastMessageAt sortTimestamp
        accountLink { inboxId } assignee { inboxId }
        prospect { inboxId platformId }
        lastMessage { inboxId content createdAt direction sentBy { userId } author { __typename } }
      } }`,
      { id: rest?.id },
    );
    expect(result.thread).toEqual({
      inboxId: rest?.id,
      platform: rest?.platform.toUpperCase(),
      platformId: rest?.platformId,
      url: `https://x.com/i/chat/${rest?.platformId}`,
      done: rest?.done,
      status: rest?.status.toUpperCase(),
      variant: rest?.variant === 'xChat' ? 'X_CHAT' : 'UNENCRYPTED',
      isRequest: rest?.isRequest,
      isSyncing: rest?.isSyncing,
      typingIndicatorsEnabled: rest?.typingIndicatorsEnabled,
      createdAt: rest?.createdAt,
      lastMessageAt: rest?.lastMessageTimestamp,
      sortTimestamp: rest?.computedSortTimestamp,
      accountLink: { inboxId: rest?.accountLinkId },
      assignee: { inboxId: rest?.assigneeId },
      prospect: { inboxId: rest?.prospect.externalId, platformId: rest?.prospect.platformId },
      lastMessage: {
        inboxId: rest?.lastMessage?.id,
        content: rest?.lastMessage?.content,
        createdAt: rest?.lastMessage?.createdAt,
        direction: rest?.lastMessage?.authorId === rest?.accountLinkId ? 'OUTBOUND' : 'INBOUND',
        sentBy: { userId: rest?.lastMessage?.userId },
        author: {
          __typename: rest?.lastMessage?.authorId === rest?.accountLinkId ? 'AccountLink' : 'Prospect',
        },
      },
    });
  });

  it('threadLookup finds the thread of a link and a prospect, by X id or Inbox id, and is null when none', async () => {
    const thread = acme.threads[5];
    const byPlatformId = await data(
      `query ($link: ID!, $platformId: String!) { threadLookup(accountLinkId: $link, prospect: { platformId: $platformId }) { inboxId } }`,
      { link: thread?.accountLinkId, platformId: thread?.prospect.platformId },
    );
    expect(byPlatformId.threadLookup).toEqual({ inboxId: thread?.id });
    const byInboxId = await data(
      `query ($link: ID!, $id: ID!) { threadLookup(accountLinkId: $link, prospect: { inboxId: $id }) { inboxId } }`,
      { link: thread?.accountLinkId, id: thread?.prospect.externalId },
    );
    expect(byInboxId.threadLookup).toEqual({ inboxId: thread?.id });
    const none = await data(
      `query ($link: ID!) { threadLookup(accountLinkId: $link, prospect: { platformId: "1" }) { inboxId } }`,
      { link: thread?.accountLinkId },
    );
    expect(none.threadLookup).toBeNull();
  });

  it('threadLookup needs exactly one prospect key', async () => {
    const { body } = await harness.graphql(
      `{ threadLookup(accountLinkId: "${acme.accountLinks[0]?.id}", prospect: { platformId: "1", inboxId: "abc" }) { id } }`,
    );
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'prospect' });
    expect(harness.simulator.calls).toHaveLength(0);
  });

  it('threadsByUsername returns every thread with that username, across links', async () => {
    const prospect = acme.threads.find(
      (thread) =>
        acme.threads.filter((other) => other.prospect.platformId === thread.prospect.platformId).length > 1,
    )?.prospect;
    const result = await data(
      `query ($u: String!) { threadsByUsername(username: $u) { inboxId prospect { username } } }`,
      {
        u: `@${prospect?.username}`,
      },
    );
    const expected = acme.threads.filter((thread) => thread.prospect.platformId === prospect?.platformId);
    expect(result.threadsByUsername.map((t: { inboxId: string }) => t.inboxId).sort()).toEqual(
      expected.map((thread) => thread.id).sort(),
    );
    expect(expected.length).toBeGreaterThan(1);
  });
});

describe('prospects', () => {
  it('carry their profile and the team’s CRM data, and every thread with them', async () => {
    const thread = acme.threads.find(
      (candidate) => candidate.prospect.context.statusId && candidate.prospect.context.tags.length,
    );
    const prospect = thread?.prospect;
    const result = await data(
      `query ($platformId: String!) { prospectByPlatformId(platformId: $platformId) {
        id platform platformId inboxId displayName username handle imageUrl bio location profileUrl websiteUrl
        verified profileType isProtected followerCount followingCount postCount
        tags { inboxId } status { inboxId } valuation notes threads { inboxId }
      } }`,
      { platformId: prospect?.platformId },
    );
    const view = acme.prospectView(prospect as NonNullable<typeof prospect>);
    expect(result.prospectByPlatformId).toEqual({
      id: encodeGlobalID('Prospect', `${prospect?.platform}:${prospect?.platformId}`),
      platform: prospect?.platform.toUpperCase(),
      platformId: prospect?.platformId,
      inboxId: prospect?.externalId,
      displayName: prospect?.displayName,
      username: prospect?.username,
      handle: prospect?.handle,
      imageUrl: prospect?.imageNormalized ?? prospect?.image,
      bio: prospect?.bio,
      location: prospect?.location,
      profileUrl: prospect?.profileUrl,
      websiteUrl: prospect?.websiteUrl,
      verified: prospect?.verified.toUpperCase(),
      profileType: prospect?.profileType.toUpperCase(),
      isProtected: prospect?.isProtected,
      followerCount: prospect?.followerCount,
      followingCount: prospect?.followingCount,
      postCount: prospect?.postCount,
      tags: prospect?.context.tags.map((id) => ({ inboxId: id })),
      status: { inboxId: prospect?.context.statusId },
      valuation: prospect?.context.valuation,
      notes: prospect?.context.notes,
      threads: view.context.threads?.map((ref) => ({ inboxId: ref.id })),
    });
  });

  it('prospect(id:) takes the global id or the raw Inbox id', async () => {
    const prospect = acme.threads[7]?.prospect;
    const globalId = encodeGlobalID('Prospect', `${prospect?.platform}:${prospect?.platformId}`);
    const byGlobal = await data(`{ prospect(id: "${globalId}") { id displayName } }`);
    const byRaw = await data(`{ prospect(id: "${prospect?.externalId}") { id displayName } }`);
    expect(byGlobal.prospect).toEqual({ id: globalId, displayName: prospect?.displayName });
    expect(byRaw.prospect).toEqual(byGlobal.prospect);
  });

  it('prospectByPlatformId is null, without an error, for someone the team never met', async () => {
    const { body } = await harness.graphql('{ prospectByPlatformId(platformId: "42") { id } }');
    expect(body).toEqual({ data: { prospectByPlatformId: null } });
  });
});

describe('messages', () => {
  it('direction, author and sentBy follow authorId and userId', async () => {
    const threadId = [...acme.messagesByThread.entries()].find(
      ([, messages]) =>
        messages.some((message) => message.userId) && messages.some((message) => !message.userId),
    )?.[0] as string;
    const thread = acme.threads.find((candidate) => candidate.id === threadId);
    const result = await data(
      `query ($id: ID!) { thread(id: $id) { messages(first: 100) { isSyncing edges { node {
        inboxId content direction sentBy { userId } origin isEdited reactions
        author { __typename ... on AccountLink { inboxId } ... on Prospect { platformId } }
        thread { inboxId }
      } } } } }`,
      { id: threadId },
    );
    const rest = [...(acme.messagesByThread.get(threadId) ?? [])].reverse().slice(0, 100);
    expect(result.thread.messages.edges.map(({ node }: { node: unknown }) => node)).toEqual(
      rest.map((message) => ({
        inboxId: message.id,
        content: message.content,
        direction: message.authorId === thread?.accountLinkId ? 'OUTBOUND' : 'INBOUND',
        sentBy: message.userId ? { userId: message.userId } : null,
        origin: message.origin?.toUpperCase() ?? null,
        isEdited: message.isEdited,
        reactions: message.reactions,
        author:
          message.authorId === thread?.accountLinkId
            ? { __typename: 'AccountLink', inboxId: thread?.accountLinkId }
            : { __typename: 'Prospect', platformId: thread?.prospect.platformId },
        thread: { inboxId: threadId },
      })),
    );
    // The thread was read once; direction and author reuse it.
    expect(paths().filter((path) => path === `/threads/${threadId}`)).toHaveLength(1);
  });

  it('history lists the versions of an edited message', async () => {
    const [threadId, message] =
      [...acme.messagesByThread.entries()]
        .flatMap(([id, messages]) => messages.map((candidate) => [id, candidate] as const))
        .find(([, candidate]) => (acme.historyByMessage.get(candidate.id)?.versions.length ?? 0) > 1) ?? [];
    expect(message).toBeDefined();
    const id = encodeGlobalID('Message', `${threadId}:${message?.id}`);
    const result = await data(
      `query ($id: ID!) { node(id: $id) { ... on Message { isEdited history { versions { content createdAt editOrigin } deletion { deletedAt } } } } }`,
      { id },
    );
    const history = acme.historyByMessage.get(message?.id as string);
    expect(result.node.isEdited).toBe(true);
    expect(result.node.history.versions.map((version: { content: string }) => version.content)).toEqual(
      history?.versions.map((version) => version.content),
    );
  });

  it('campaign messages name their campaign', async () => {
    const message = [...acme.messagesByThread.values()].flat().find((candidate) => candidate.campaignId);
    const campaign = acme.campaigns.find((state) => state.campaign.id === message?.campaignId)?.campaign;
    const id = encodeGlobalID('Message', `${message?.threadId}:${message?.id}`);
    const result = await data(
      `query ($id: ID!) { node(id: $id) { ... on Message { campaign { inboxId name status state targetsCount accountLinks { inboxId } } } } }`,
      { id },
    );
    expect(result.node.campaign).toEqual({
      inboxId: campaign?.id,
      name: campaign?.name,
      status: campaign?.status,
      state: campaign?.status.toUpperCase(),
      targetsCount: campaign?.targetsCount,
      accountLinks: (campaign?.accountLinkIds ?? []).map((linkId) => ({ inboxId: linkId })),
    });
  });
});

describe('events and examples', () => {
  it('events are the team’s log, oldest first', async () => {
    const result = await data(
      '{ events(first: 1000) { lastSeq edges { node { inboxId seq type timestamp data } } } }',
    );
    expect(result.events.edges.map(({ node }: { node: { seq: number } }) => node.seq)).toEqual(
      acme.events.map((event) => event.seq),
    );
    expect(result.events.lastSeq).toBe(acme.events.at(-1)?.seq);
  });

  it.each(EXAMPLES.map((example) => [example.title, example] as const))(
    'the GraphiQL example “%s” runs without errors, at the upstream cost it states',
    async (_title, example) => {
      const { body } = await harness.graphql(example.query, { variables: example.variables });
      expect(body.errors).toBeUndefined();
      expect(Object.values(body.data ?? {}).every((value) => value !== null)).toBe(true);
      expect(harness.simulator.calls).toHaveLength(example.upstreamCalls.cold);
      harness.simulator.resetCalls();
      await harness.graphql(example.query, { variables: example.variables });
      expect(harness.simulator.calls).toHaveLength(example.upstreamCalls.warm);
    },
  );
});
