import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import { encodeGlobalID, messageNodeId } from '../../graphql/ids.js';
import { lookAhead } from '../../graphql/look-ahead-hints.js';
import type { Thread } from '../../upstream/types.js';
import { CampaignObject, MemberObject } from '../refs.js';
import { authorOf, directionOf, MessageAuthorUnion, MessageDirectionEnum } from './author.js';

/** The inbox-list preview of a thread's newest message, with its thread for author attribution. */
export const MessagePreviewObject = builder.objectRef<{
  preview: NonNullable<Thread['lastMessage']>;
  thread: Thread;
}>('MessagePreview');

MessagePreviewObject.implement({
  description: 'The newest message of a thread as the thread list carries it: no message call needed.',
  fields: (t) => ({
    id: t.id({
      description:
        'A stable id for client caches, distinct from the message’s (a normalising cache would otherwise merge ' +
        'the preview with the full `Message`). `messageId` is the message’s own global id.',
      resolve: ({ preview, thread }) =>
        encodeGlobalID('MessagePreview', messageNodeId({ threadId: thread.id, id: preview.id })),
    }),
    messageId: t.id({
      description: 'Global `id` of the message this previews: `node(id:)` reads it whole.',
      resolve: ({ preview, thread }) =>
        encodeGlobalID('Message', messageNodeId({ threadId: thread.id, id: preview.id })),
    }),
    inboxId: t.id({ description: 'Raw Inbox id of the message.', resolve: ({ preview }) => preview.id }),
    content: t.string({ description: 'Text of the message.', resolve: ({ preview }) => preview.content }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was sent.',
      resolve: ({ preview }) => preview.createdAt,
    }),
    direction: t.field({
      type: MessageDirectionEnum,
      description: 'Inbound (from the prospect) or outbound (from the team).',
      resolve: ({ preview, thread }) => directionOf(preview.authorId, thread),
    }),
    author: t.field({
      type: MessageAuthorUnion,
      nullable: true,
      complexity: UPSTREAM_COST.author(false),
      description: 'Who wrote it; `null` for legacy author ids that name neither side.',
      resolve: ({ preview, thread }, _args, context) => authorOf(preview.authorId, thread, context),
    }),
    sentBy: t.field({
      type: MemberObject,
      nullable: true,
      complexity: UPSTREAM_COST.fromCollection('members'),
      extensions: lookAhead({ warms: ['members'] }),
      description: 'The member who sent it from Inbox, if one did (from the member collection).',
      resolve: ({ preview }, _args, context) =>
        preview.userId ? context.inbox.members.byUserId(preview.userId) : null,
    }),
    campaign: t.field({
      type: CampaignObject,
      nullable: true,
      complexity: UPSTREAM_COST.oneCall,
      description: 'The campaign that sent it, if any (`GET /campaigns/{id}`, once per campaign).',
      resolve: ({ preview }, _args, context) =>
        preview.campaignId ? context.inbox.campaigns.byId(preview.campaignId) : null,
    }),
  }),
});
