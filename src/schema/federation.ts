import { decodeGlobalID } from '@pothos/plugin-relay';
import type { Context } from '../context.js';
import { AccountLinkRef } from './account-link.js';
import { builder } from './builder.js';
import { CampaignRef } from './campaign.js';
import { type NodeTypeName, parseInboxId, parseMessageId, parsePlatformId } from './ids.js';
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
    const team = await context.loaders.team();
    return team.id === rawId(reference, 'Team') ? team : null;
  },
});

builder.asEntity(MemberRef, {
  key: byIdOrInboxId,
  resolveReference: (reference: IdOrInboxId, context: Context) =>
    context.loaders.members.byId.load(rawId(reference, 'Member')),
});

builder.asEntity(AccountLinkRef, {
  key: byIdOrInboxId,
  resolveReference: (reference: IdOrInboxId, context: Context) =>
    context.loaders.accountLinks.byId.load(rawId(reference, 'AccountLink')),
});

builder.asEntity(TagRef, {
  key: byIdOrInboxId,
  resolveReference: (reference: IdOrInboxId, context: Context) =>
    context.loaders.tags.byId.load(rawId(reference, 'Tag')),
});

builder.asEntity(StatusRef, {
  key: byIdOrInboxId,
  resolveReference: (reference: IdOrInboxId, context: Context) =>
    context.loaders.statuses.byId.load(rawId(reference, 'Status')),
});

builder.asEntity(ThreadRef, {
  key: byIdOrInboxId,
  resolveReference: (reference: IdOrInboxId, context: Context) =>
    context.loaders.thread.load(rawId(reference, 'Thread')),
});

builder.asEntity(ProspectRef, {
  key: [
    builder.selection<{ id: string }>('id'),
    builder.selection<{ platform: string; platformId: string }>('platform platformId'),
  ],
  resolveReference: async (
    reference: { id: string } | { platform: string; platformId: string },
    context: Context,
  ) => {
    let platform: string;
    let platformId: string;
    if ('id' in reference) {
      const { typename, id } = decodeGlobalID(reference.id);
      if (typename !== 'Prospect') return null;
      [platform = '', platformId = ''] = id.split(':');
    } else {
      // Routers send enum keys by their GraphQL name (TWITTER); the loaders speak the REST value (twitter).
      platform = reference.platform.toLowerCase();
      platformId = reference.platformId;
    }
    const prospect = await context.loaders.prospectByPlatformId.load(
      parsePlatformId(platformId, 'platformId'),
    );
    return prospect?.platform === platform ? prospect : null;
  },
});

builder.asEntity(MessageRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: ({ id }: { id: string }, context: Context) => {
    const { threadId, messageId } = parseMessageId(id, 'id');
    return context.loaders.message(threadId, messageId);
  },
});

builder.asEntity(CampaignRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: ({ id }: { id: string }, context: Context) =>
    context.loaders.campaign.load(rawId({ id }, 'Campaign')),
});
