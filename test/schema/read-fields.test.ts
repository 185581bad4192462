import { encodeGlobalID } from '@pothos/plugin-relay';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN, type TeamState } from '../../simulator/src/index.js';
import { EXAMPLES } from '../../src/examples.js';
import {
  ArchivedThreadsWithTagDocument,
  CollectionsDocument,
  type ColorScope,
  ColorsDocument,
  EventLogDocument,
  FirstMessageOfFirstThreadDocument,
  IdsOfEveryNodeTypeDocument,
  MemberAndTagByIdDocument,
  MessageCampaignDocument,
  MessageHistoryDocument,
  NodesByIdDocument,
  NodesWithTypenameDocument,
  ProspectDisplayNameDocument,
  ProspectEveryFieldDocument,
  ProspectIdByPlatformIdDocument,
  ReadMessageByIdDocument,
  ThreadEveryFieldDocument,
  ThreadIdByIdDocument,
  ThreadLookupDocument,
  ThreadMessagesEveryFieldDocument,
  ThreadsByEveryFilterDocument,
  ThreadsByUsernameDocument,
} from '../generated/graphql.js';
import { type Operation, useHarness } from '../support/harness.js';

const harness = useHarness();
let acme: TeamState;
let umbra: TeamState;

beforeAll(() => {
  acme = harness.simulator.store.teamByToken(DEMO_TOKEN) as TeamState;
  umbra = harness.simulator.store.teamByToken(SECOND_TEAM_TOKEN) as TeamState;
});

/** Runs an operation that must succeed; returns its data. */
async function data<TData, TVariables>(
  operation: Operation<TData, TVariables>,
  variables?: TVariables,
): Promise<TData> {
  const { body } = await harness.graphql(operation, { variables });
  expect(body.errors).toBeUndefined();
  if (!body.data) throw new Error('no data');
  return body.data;
}

const paths = () => harness.simulator.calls.map((call) => call.path);

describe('collections and typed lookups', () => {
  it('members, account links, tags and statuses are the REST collections, with their fields', async () => {
    const result = await data(CollectionsDocument);
    expect(result.members?.map((m) => m.inboxId)).toEqual(acme.members.map((m) => m.id));
    expect(result.members?.[0]).toMatchObject({
      userId: acme.members[0]?.userId,
      email: acme.members[0]?.email,
      role: acme.members[0]?.role.toUpperCase(),
    });
    expect(result.accountLinks?.map((l) => l.status)).toEqual(
      acme.accountLinks.map((link) => link.status.toUpperCase()),
    );
    expect(result.tags?.map((t) => t.name)).toEqual(acme.tags.map((tag) => tag.name));
    expect(result.statuses?.map((s) => s.color)).toEqual(acme.statuses.map((s) => s.color));
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
    // One field per type, built from the table.
    type ById = Record<string, { id: string; inboxId: string } | null>;
    const byGlobal = await data<ById, never>(`{ ${field}(id: "${globalId}") { id inboxId } }`);
    const byRaw = await data<ById, never>(`{ ${field}(id: "${inboxId}") { id inboxId } }`);
    expect(byGlobal[field]).toEqual({ id: globalId, inboxId });
    expect(byRaw[field]).toEqual(byGlobal[field]);
  });

  it('a global id of another type is refused before any upstream call', async () => {
    const tagId = encodeGlobalID('Tag', acme.tags[0]?.id as string);
    const { body } = await harness.graphql(ThreadIdByIdDocument, { variables: { id: tagId } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(body.errors?.[0]?.message).toMatch(/Thread id, not a Tag id/);
    expect(harness.simulator.calls).toHaveLength(0);
  });

  it('an id the team does not have is null, not an error', async () => {
    const result = await data(MemberAndTagByIdDocument, {
      member: 'zzzzzzzzzzzzzzzzzzzzzzzz',
      tag: 'zzzzzzzzzzzzzzzzzzzzzzzz',
    });
    expect(result).toEqual({ member: null, tag: null });
  });

  it('another team’s thread is FORBIDDEN, with a null field', async () => {
    const { body } = await harness.graphql(ThreadIdByIdDocument, {
      variables: { id: umbra.threads[0]?.id ?? '' },
    });
    expect(body.data).toEqual({ thread: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', upstream: { status: 403 } });
  });

  it.each<[ColorScope, string]>([
    ['ALL', '/colors'],
    ['TAGS', '/tags/colors'],
    ['STATUSES', '/statuses/colors'],
  ])('colors(scope: %s) reads %s', async (scope, path) => {
    const result = await data(ColorsDocument, { scope });
    expect(result.colors?.length).toBeGreaterThan(0);
    expect(result.colors?.[0]?.hex).toMatch(/^#[0-9a-f]{6}$/i);
    expect(paths()).toEqual([path]);
  });
});

describe('node and nodes resolve every Node type', () => {
  it('each global id read from the API resolves back to the same object', async () => {
    const seen = await data(IdsOfEveryNodeTypeDocument);
    const thread = seen.threads?.edges[0]?.node;
    const campaignId = encodeGlobalID('Campaign', acme.campaigns[0]?.campaign.id as string);
    const ids = [
      seen.team?.id,
      seen.members?.[0]?.id,
      seen.accountLinks?.[0]?.id,
      seen.tags?.[0]?.id,
      seen.statuses?.[0]?.id,
      thread?.id,
      thread?.prospect.id,
      thread?.messages?.edges[0]?.node.id,
      campaignId,
    ].map((id) => id ?? '');
    const result = await data(NodesWithTypenameDocument, { ids });
    expect(result.nodes?.map((node) => node?.id)).toEqual(ids);
    expect(result.nodes?.map((node) => node?.__typename)).toEqual([
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
    const { body } = await harness.graphql(NodesByIdDocument, { variables: { ids } });
    expect(body).toEqual({
      data: { nodes: [{ id: ids[0] }, null, { id: ids[2] }] },
      extensions: { cost: expect.any(Object) },
    });
  });

  it('a message read by id alone comes from its history, equal to its page entry', async () => {
    const page = await data(FirstMessageOfFirstThreadDocument);
    const listed = page.threads?.edges[0]?.node.messages?.edges[0]?.node;
    if (!listed) throw new Error('the first thread has messages');
    harness.simulator.resetCalls();
    const result = await data(ReadMessageByIdDocument, { id: listed.id });
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
    if (!tag || !status || !member || !link || !campaign) throw new Error('the seed has one of each');
    await data(ThreadsByEveryFilterDocument, {
      tag: encodeGlobalID('Tag', tag),
      status,
      member,
      link,
      campaign,
    });
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
    if (!tag) throw new Error('the seed tags prospects');
    const result = await data(ArchivedThreadsWithTagDocument, { tag: tag.id });
    for (const { node } of result.threads?.edges ?? []) {
      expect(node.prospect.tags?.map((t) => t.inboxId)).toContain(tag.id);
    }
    const expected = acme.threads.filter(
      (thread) => thread.done && thread.prospect.context.tags.includes(tag.id),
    );
    expect(result.threads?.edges).toHaveLength(Math.min(expected.length, 100));
  });

  it('exposes every thread field as the REST thread has it', async () => {
    const rest = acme.threads.find((thread) => thread.assigneeId && thread.lastMessage?.userId);
    const result = await data(ThreadEveryFieldDocument, { id: rest?.id ?? '' });
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
    if (!thread?.prospect.externalId) throw new Error('the seed has threads with known prospects');
    const link = thread.accountLinkId;
    const byPlatformId = await data(ThreadLookupDocument, {
      link,
      prospect: { platformId: thread.prospect.platformId },
    });
    expect(byPlatformId.threadLookup).toEqual({ inboxId: thread.id });
    const byInboxId = await data(ThreadLookupDocument, {
      link,
      prospect: { inboxId: thread.prospect.externalId },
    });
    expect(byInboxId.threadLookup).toEqual({ inboxId: thread.id });
    const none = await data(ThreadLookupDocument, { link, prospect: { platformId: '1' } });
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
    const result = await data(ThreadsByUsernameDocument, { username: `@${prospect?.username}` });
    const expected = acme.threads.filter((thread) => thread.prospect.platformId === prospect?.platformId);
    expect(result.threadsByUsername?.map((t) => t.inboxId).sort()).toEqual(
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
    if (!prospect) throw new Error('the seed has a tagged prospect with a status');
    const result = await data(ProspectEveryFieldDocument, { platformId: prospect.platformId });
    const view = acme.prospectView(prospect);
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
    const byGlobal = await data(ProspectDisplayNameDocument, { id: globalId });
    const byRaw = await data(ProspectDisplayNameDocument, { id: prospect?.externalId ?? '' });
    expect(byGlobal.prospect).toEqual({ id: globalId, displayName: prospect?.displayName });
    expect(byRaw.prospect).toEqual(byGlobal.prospect);
  });

  it('prospectByPlatformId is null, without an error, for someone the team never met', async () => {
    const { body } = await harness.graphql(ProspectIdByPlatformIdDocument, {
      variables: { platformId: '42' },
    });
    expect(body).toEqual({ data: { prospectByPlatformId: null }, extensions: { cost: expect.any(Object) } });
  });
});

describe('messages', () => {
  it('direction, author and sentBy follow authorId and userId', async () => {
    const threadId = [...acme.messagesByThread.entries()].find(
      ([, messages]) =>
        messages.some((message) => message.userId) && messages.some((message) => !message.userId),
    )?.[0] as string;
    const thread = acme.threads.find((candidate) => candidate.id === threadId);
    const result = await data(ThreadMessagesEveryFieldDocument, { id: threadId });
    const rest = [...(acme.messagesByThread.get(threadId) ?? [])].reverse().slice(0, 100);
    expect(result.thread?.messages?.edges.map(({ node }) => node)).toEqual(
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
    const result = await data(MessageHistoryDocument, { id });
    const history = acme.historyByMessage.get(message?.id as string);
    expect(result.node?.isEdited).toBe(true);
    expect(result.node?.history?.versions.map((version) => version.content)).toEqual(
      history?.versions.map((version) => version.content),
    );
  });

  it('campaign messages name their campaign', async () => {
    const message = [...acme.messagesByThread.values()].flat().find((candidate) => candidate.campaignId);
    const campaign = acme.campaigns.find((state) => state.campaign.id === message?.campaignId)?.campaign;
    const id = encodeGlobalID('Message', `${message?.threadId}:${message?.id}`);
    const result = await data(MessageCampaignDocument, { id });
    expect(result.node?.campaign).toEqual({
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
    const result = await data(EventLogDocument);
    expect(result.events?.edges.map(({ node }) => node.seq)).toEqual(acme.events.map((event) => event.seq));
    expect(result.events?.lastSeq).toBe(acme.events.at(-1)?.seq);
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
