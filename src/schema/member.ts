import type { Member } from '../inbox/types.js';
import { builder } from './builder.js';
import { UPSTREAM_COST } from './cost.js';
import { parseInboxId } from './ids.js';
import { THREAD_PAGE, ThreadConnectionRef, threadConnection } from './thread.js';

export const MemberRef = builder.objectRef<Member>('Member');

const MemberRoleEnum = builder.enumType('MemberRole', {
  description: 'What a member may do in the team.',
  values: {
    OWNER: { value: 'owner', description: 'Owns the team; can do everything.' },
    ADMIN: { value: 'admin', description: 'Manages the team, its members and settings.' },
    USER: { value: 'user', description: 'Works the inbox.' },
  } as const,
});

builder.node(MemberRef, {
  description: 'A person in the team. Threads and prospects are assigned to members.',
  id: { resolve: (member) => member.id },
  loadOne: (id, context) => context.loaders.members.byId.load(id),
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
      type: ThreadConnectionRef,
      complexity: UPSTREAM_COST.page(THREAD_PAGE.default, THREAD_PAGE.max),
      description: 'Threads assigned to this member, newest first. One `GET /threads` per page.',
      args: {
        first: t.arg.int({ description: 'Page size, 1–100 (default 20).' }),
        after: t.arg.string({ description: '`endCursor` of the previous page.' }),
      },
      resolve: (member, args, context) =>
        threadConnection(context, args, { filters: { assignees: { selectedIds: [member.id] } } }),
    }),
  }),
});

builder.queryFields((t) => ({
  members: t.field({
    type: [MemberRef],
    description:
      'Every member of the team. One `GET /members`, shared by every member lookup of the request.',
    resolve: (_root, _args, context) => context.loaders.members.all(),
  }),
  member: t.field({
    type: MemberRef,
    nullable: true,
    description: 'A member by global or raw Inbox id; `null` if the team has no such member.',
    args: { id: t.arg.id({ required: true, description: 'Global `id` or raw `inboxId`.' }) },
    resolve: (_root, { id }, context) => context.loaders.members.byId.load(parseInboxId(id, 'Member', 'id')),
  }),
}));
