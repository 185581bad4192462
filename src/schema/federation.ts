import { type GraphQLResolveInfo, isEnumType } from 'graphql';
import type { Context } from '../context.js';
import { badUserInput } from '../errors.js';
import type { ProspectWithContext } from '../inbox/types.js';
import { AccountLinkRef } from './account-link.js';
import { builder } from './builder.js';
import { CampaignRef } from './campaign.js';
import { type NodeTypeName, parseInboxId, parseMessageId, parsePlatformId, parseProspectId } from './ids.js';
import { MemberRef } from './member.js';
import { MessageRef } from './message.js';
import { ProspectRef } from './prospect.js';
import { StatusRef } from './status.js';
import { TagRef } from './tag.js';
import { TeamRef } from './team.js';
import { ThreadRef } from './thread.js';

/**
 * Apollo Federation v2 entities: the @keys of schema-outline.graphql. Every reference resolves through
 * the per-request loaders, so a router's `_entities` batch of N references costs one call per
 * collection (members, tags, ...) and one per distinct thread or prospect, never N.
 *
 * Every resolveReference is async on purpose: @apollo/subgraph calls them inside one `map`, so a
 * synchronous throw (a malformed key) would fail the whole `_entities` list instead of its one item.
 */
type IdOrInboxId = { id: string } | { inboxId: string };

const byIdOrInboxId = [
  builder.selection<{ id: string }>('id'),
  builder.selection<{ inboxId: string }>('inboxId'),
];

/** The raw Inbox id of a reference, from its global `id` or its `inboxId`. */
function rawId(reference: IdOrInboxId, typename: NodeTypeName): string {
  return 'inboxId' in reference
    ? parseInboxId(reference.inboxId, typename, 'inboxId')
    : parseInboxId(reference.id, typename, 'id');
}

builder.asEntity(TeamRef, {
  key: byIdOrInboxId,
  resolveReference: async (reference: IdOrInboxId, context: Context) => {
    const id = rawId(reference, 'Team');
    const team = await context.loaders.team();
    return team.id === id ? team : null;
  },
});

builder.asEntity(MemberRef, {
  key: byIdOrInboxId,
  resolveReference: async (reference: IdOrInboxId, context: Context) =>
    context.loaders.members.byId.load(rawId(reference, 'Member')),
});

builder.asEntity(AccountLinkRef, {
  key: byIdOrInboxId,
  resolveReference: async (reference: IdOrInboxId, context: Context) =>
    context.loaders.accountLinks.byId.load(rawId(reference, 'AccountLink')),
});

builder.asEntity(TagRef, {
  key: byIdOrInboxId,
  resolveReference: async (reference: IdOrInboxId, context: Context) =>
    context.loaders.tags.byId.load(rawId(reference, 'Tag')),
});

builder.asEntity(StatusRef, {
  key: byIdOrInboxId,
  resolveReference: async (reference: IdOrInboxId, context: Context) =>
    context.loaders.statuses.byId.load(rawId(reference, 'Status')),
});

builder.asEntity(ThreadRef, {
  key: byIdOrInboxId,
  resolveReference: async (reference: IdOrInboxId, context: Context) =>
    context.loaders.thread.load(rawId(reference, 'Thread')),
});

/**
 * A representation carries enum keys serialized, i.e. by their GraphQL name (`TWITTER`); the REST
 * objects hold the enum's internal value (`twitter`). The schema's own Platform enum translates.
 */
function platformValue(name: unknown, info: GraphQLResolveInfo): string {
  const platformEnum = info.schema.getType('Platform');
  const value =
    typeof name === 'string' && isEnumType(platformEnum) ? platformEnum.getValue(name)?.value : undefined;
  if (typeof value !== 'string') throw badUserInput('`platform` is not a Platform value.', 'platform');
  return value;
}

type ProspectReference = { id: string } | { platform: string; platformId: string };

builder.asEntity(ProspectRef, {
  key: [
    builder.selection<{ id: string }>('id'),
    builder.selection<{ platform: string; platformId: string }>('platform platformId'),
  ],
  resolveReference: async (
    reference: ProspectReference,
    context: Context,
    info: GraphQLResolveInfo,
  ): Promise<ProspectWithContext | null> => {
    const key =
      'id' in reference
        ? parseProspectId(reference.id, 'id')
        : {
            platform: platformValue(reference.platform, info),
            platformId: parsePlatformId(String(reference.platformId), 'platformId'),
          };
    // Like every id argument, `id` also accepts a raw Inbox id (the prospect's externalId).
    if ('externalId' in key) return context.loaders.prospect.load(key.externalId);
    const prospect = await context.loaders.prospectByPlatformId.load(key.platformId);
    return prospect?.platform === key.platform ? prospect : null;
  },
});

builder.asEntity(MessageRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async ({ id }: { id: string }, context: Context) => {
    const { threadId, messageId } = parseMessageId(id, 'id');
    return context.loaders.message(threadId, messageId);
  },
});

builder.asEntity(CampaignRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async ({ id }: { id: string }, context: Context) =>
    context.loaders.campaign.load(rawId({ id }, 'Campaign')),
});
