import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import { byIdOrInboxId, type IdOrInboxId, referencedInboxId } from '../entities.js';
import { AccountLinkObject, InboxViewEnum, MemberObject, PlatformEnum, TeamObject } from '../refs.js';
import {
  nestedThreadPageArguments,
  THREAD_PAGE,
  ThreadConnection,
  threadConnection,
} from '../thread/connection.js';

builder.node(TeamObject, {
  description: 'The Inbox team that owns the API token. Every token belongs to exactly one team.',
  id: { resolve: (team) => team.id },
  // There is no GET /teams/{id}: a team id resolves only to the caller's own team.
  loadOne: async (id, context) => {
    const team = await context.inbox.team.get();
    return team.id === id ? team : null;
  },
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'The raw Inbox id of the team.' }),
    name: t.exposeString('name', { description: 'Display name of the team.' }),
    slug: t.exposeString('slug', { description: 'URL slug of the team in the Inbox dashboard.' }),
    imageUrl: t.string({
      nullable: true,
      description: 'URL of the team avatar, when one is set.',
      resolve: (team) => team.image,
    }),
    currency: t.exposeString('currency', { description: 'Currency of prospect valuations, e.g. `USD`.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the team was created.' }),
    updatedAt: t.expose('updatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the team was last changed, if ever.',
    }),
  }),
});

builder.asEntity(TeamObject, {
  key: byIdOrInboxId,
  resolveReference: async (reference: IdOrInboxId, context) => {
    const id = referencedInboxId(reference, 'Team');
    const team = await context.inbox.team.get();
    return team.id === id ? team : null;
  },
});

const MemberRoleEnum = builder.enumType('MemberRole', {
  description: 'What a member may do in the team.',
  values: {
    OWNER: { value: 'owner', description: 'Owns the team; can do everything.' },
    ADMIN: { value: 'admin', description: 'Manages the team, its members and settings.' },
    USER: { value: 'user', description: 'Works the inbox.' },
  } as const,
});

builder.node(MemberObject, {
  description: 'A person in the team. Threads and prospects are assigned to members.',
  id: { resolve: (member) => member.id },
  loadOne: (id, context) => context.inbox.members.byId(id),
  fields: (t) => ({
    inboxId: t.exposeID('id', {
      description: 'The raw Inbox id of the member (what every `assigneeId` holds).',
    }),
    userId: t.exposeID('userId', {
      description: 'The Inbox user behind the member; messages name their sender by this id.',
    }),
    name: t.exposeString('name', { nullable: true, description: 'Display name, when the member set one.' }),
    email: t.exposeString('email', { description: 'Login email of the member.' }),
    imageUrl: t.string({
      nullable: true,
      description: 'Avatar URL, when set.',
      resolve: (member) => member.image,
    }),
    role: t.expose('role', { type: MemberRoleEnum, description: 'Role in the team.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the member joined.' }),
    updatedAt: t.expose('updatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the member was last changed, if ever.',
    }),
    assignedThreads: t.field({
      type: ThreadConnection,
      nullable: true,
      complexity: UPSTREAM_COST.page(THREAD_PAGE),
      description: 'Threads assigned to this member, newest first. One `GET /threads` per page.',
      args: nestedThreadPageArguments(t.arg),
      resolve: (member, args, context) =>
        threadConnection(context, args, { filters: { assignees: { selectedIds: [member.id] } } }),
    }),
  }),
});

builder.asEntity(MemberObject, {
  key: byIdOrInboxId,
  resolveReference: async (reference: IdOrInboxId, context) =>
    context.inbox.members.byId(referencedInboxId(reference, 'Member')),
});

const AccountLinkStatusEnum = builder.enumType('AccountLinkStatus', {
  description: 'Whether Inbox can use the connected X account.',
  values: {
    ACTIVE: { value: 'active', description: 'Connected and syncing.' },
    OFFLINE: { value: 'offline', description: 'X signed the account out; it must be reconnected.' },
    PAUSED: { value: 'paused', description: 'Paused, e.g. while the team is scheduled for deletion.' },
  } as const,
});

builder.node(AccountLinkObject, {
  description: 'An X account connected to the team; each thread belongs to one.',
  id: { resolve: (link) => link.id },
  loadOne: (id, context) => context.inbox.accountLinks.byId(id),
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
      type: ThreadConnection,
      nullable: true,
      complexity: UPSTREAM_COST.page(THREAD_PAGE),
      description: 'Conversations of this account, newest first. One `GET /threads` per page.',
      args: {
        ...nestedThreadPageArguments(t.arg),
        inbox: t.arg({ type: InboxViewEnum, description: 'Inbox view (default: the active inbox).' }),
      },
      resolve: (link, args, context) =>
        threadConnection(context, args, { accountLinkIds: [link.id], inbox: args.inbox ?? undefined }),
    }),
  }),
});

builder.asEntity(AccountLinkObject, {
  key: byIdOrInboxId,
  resolveReference: async (reference: IdOrInboxId, context) =>
    context.inbox.accountLinks.byId(referencedInboxId(reference, 'AccountLink')),
});
