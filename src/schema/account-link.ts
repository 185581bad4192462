import type { AccountLink } from '../inbox/types.js';
import { builder } from './builder.js';
import { UPSTREAM_COST } from './cost.js';
import { parseInboxId } from './ids.js';
import { PlatformEnum } from './platform.js';
import { InboxViewEnum, THREAD_PAGE, ThreadConnectionRef, threadConnection } from './thread.js';

export const AccountLinkRef = builder.objectRef<AccountLink>('AccountLink');

const AccountLinkStatusEnum = builder.enumType('AccountLinkStatus', {
  description: 'Whether Inbox can use the connected X account.',
  values: {
    ACTIVE: { value: 'active', description: 'Connected and syncing.' },
    OFFLINE: { value: 'offline', description: 'X signed the account out; it must be reconnected.' },
    PAUSED: { value: 'paused', description: 'Paused, e.g. while the team is scheduled for deletion.' },
  } as const,
});

builder.node(AccountLinkRef, {
  description: 'An X account connected to the team; each thread belongs to one.',
  id: { resolve: (link) => link.id },
  loadOne: (id, context) => context.loaders.accountLinks.byId.load(id),
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'The raw Inbox id of the account link.' }),
    platform: t.expose('platform', { type: PlatformEnum, description: 'Platform of the account.' }),
    platformId: t.exposeString('platformId', { description: 'X user id of the account.' }),
    name: t.exposeString('name', { description: 'Display name on X.' }),
    username: t.exposeString('username', { description: 'X handle, without the @.' }),
    imageUrl: t.string({ description: 'Avatar URL.', resolve: (link) => link.image }),
    status: t.expose('status', { type: AccountLinkStatusEnum, description: 'Connection state.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was connected.' }),
    syncedAt: t.expose('syncedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'End of the last full sync; `null` until the first one finishes.',
    }),
    threads: t.field({
      type: ThreadConnectionRef,
      complexity: UPSTREAM_COST.page(THREAD_PAGE.default, THREAD_PAGE.max),
      description: 'Conversations of this account, newest first. One `GET /threads` per page.',
      args: {
        first: t.arg.int({ description: 'Page size, 1–100 (default 20).' }),
        after: t.arg.string({ description: '`endCursor` of the previous page.' }),
        inbox: t.arg({ type: InboxViewEnum, description: 'Inbox view (default: the active inbox).' }),
      },
      resolve: (link, args, context) =>
        threadConnection(context, args, { accountLinkIds: [link.id], inbox: args.inbox ?? undefined }),
    }),
  }),
});

builder.queryFields((t) => ({
  accountLinks: t.field({
    type: [AccountLinkRef],
    description: 'Every account link of the team. One `GET /account-links`, shared by the whole request.',
    resolve: (_root, _args, context) => context.loaders.accountLinks.all(),
  }),
  accountLink: t.field({
    type: AccountLinkRef,
    nullable: true,
    description: 'An account link by global or raw Inbox id; `null` if the team has none such.',
    args: { id: t.arg.id({ required: true, description: 'Global `id` or raw `inboxId`.' }) },
    resolve: (_root, { id }, context) =>
      context.loaders.accountLinks.byId.load(parseInboxId(id, 'AccountLink', 'id')),
  }),
}));
