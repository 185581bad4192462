import { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { Context } from '../context.js';
import { badUserInput } from '../errors.js';
import type { ProspectWithContext } from '../inbox/types.js';
import { existing } from '../loaders/index.js';
import { builder } from './builder.js';
import { UPSTREAM_COST } from './cost.js';
import {
  type ProspectKey,
  parseInboxId,
  parsePlatformId,
  parseProspectId,
  parseProspectNodeId,
  prospectNodeId,
} from './ids.js';
import { MemberRef } from './member.js';
import { write } from './payloads.js';
import { PlatformEnum } from './platform.js';
import { StatusRef } from './status.js';
import { TagRef } from './tag.js';
import { ThreadRef } from './thread.js';
import { inboxId, NOT_NULL, prospectKey, validate } from './validation.js';

/** A prospect as the API returns it: profile data plus the team's CRM `context`. */
export const ProspectRef = builder.objectRef<ProspectWithContext>('Prospect');

const VerificationEnum = builder.enumType('Verification', {
  description: 'The verification badge of an X profile.',
  values: {
    NONE: { value: 'none', description: 'No badge.' },
    VERIFIED: { value: 'verified', description: 'Blue check.' },
    BUSINESS: { value: 'business', description: 'Gold check (organisation).' },
    GOVERNMENT: { value: 'government', description: 'Grey check (government).' },
  } as const,
});

const ProfileTypeEnum = builder.enumType('ProfileType', {
  description: 'What kind of X profile it is.',
  values: {
    PERSONAL: { value: 'personal', description: 'A person.' },
    BUSINESS: { value: 'business', description: 'A business.' },
    GOVERNMENT: { value: 'government', description: 'A government body.' },
  } as const,
});

export const ProspectRefInput = builder.inputType('ProspectRef', {
  description:
    'Names a prospect by exactly one key: the X user id (`platformId`) or the Inbox id (`inboxId`). ' +
    'Anything else is refused with BAD_USER_INPUT.',
  fields: (t) => ({
    platformId: t.string({ description: 'X user id (decimal string).' }),
    inboxId: t.id({ description: 'Inbox id of the prospect (`externalId`), raw or global.' }),
  }),
});

/** ProspectRef → the upstream's `externalPlatformId` / `externalId` pair (exactly one of them). */
export function prospectRefQuery(
  ref: { platformId?: string | null; inboxId?: string | null },
  field: string,
): { externalPlatformId: string } | { externalId: string } {
  const hasPlatformId = ref.platformId !== null && ref.platformId !== undefined;
  const hasInboxId = ref.inboxId !== null && ref.inboxId !== undefined;
  if (hasPlatformId === hasInboxId) {
    throw badUserInput(`\`${field}\` needs exactly one of \`platformId\` and \`inboxId\`.`, field);
  }
  if (hasPlatformId)
    return { externalPlatformId: parsePlatformId(ref.platformId as string, `${field}.platformId`) };
  const key = parseProspectId(ref.inboxId as string, `${field}.inboxId`);
  if (!('externalId' in key)) return { externalPlatformId: key.platformId };
  return { externalId: parseInboxId(key.externalId, 'Prospect', `${field}.inboxId`) };
}

builder.node(ProspectRef, {
  description:
    'A person the team talks to on X. Profile data is shared by the whole team; `tags`, `status`, `valuation`, ' +
    '`notes` and `assignee` are the team’s CRM data. Identified by platform + `platformId`.',
  id: { resolve: (prospect) => prospectNodeId(prospect) },
  loadOne: async (id, context) => {
    const { platform, platformId } = parseProspectNodeId(id);
    const found = await context.loaders.prospectByPlatformId.load(platformId);
    return found?.platform === platform ? found : null;
  },
  fields: (t) => ({
    platform: t.expose('platform', { type: PlatformEnum, description: 'Platform of the profile.' }),
    platformId: t.exposeString('platformId', { description: 'X user id.' }),
    inboxId: t.exposeID('externalId', {
      nullable: true,
      description: 'Inbox id of the prospect; `null` for people Inbox has not imported yet.',
    }),
    displayName: t.exposeString('displayName', { description: 'Display name on X.' }),
    username: t.exposeString('username', { description: 'X username, without the @.' }),
    handle: t.exposeString('handle', { description: 'X handle, with the @.' }),
    imageUrl: t.string({
      nullable: true,
      description: 'Avatar URL (the normalised, full-size one when available).',
      resolve: (prospect) => prospect.imageNormalized ?? prospect.image,
    }),
    bio: t.exposeString('bio', { nullable: true, description: 'Profile bio.' }),
    location: t.exposeString('location', { nullable: true, description: 'Profile location.' }),
    profileUrl: t.exposeString('profileUrl', { description: 'The profile on X.' }),
    websiteUrl: t.exposeString('websiteUrl', { nullable: true, description: 'Website from the profile.' }),
    verified: t.expose('verified', { type: VerificationEnum, description: 'Verification badge.' }),
    profileType: t.expose('profileType', { type: ProfileTypeEnum, description: 'Kind of profile.' }),
    isProtected: t.exposeBoolean('isProtected', { description: 'Posts are protected (private account).' }),
    followerCount: t.exposeInt('followerCount', { description: 'Followers on X.' }),
    followingCount: t.exposeInt('followingCount', { description: 'Accounts followed on X.' }),
    postCount: t.exposeInt('postCount', { description: 'Posts on X.' }),
    lastActiveAt: t.expose('lastActiveAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Last activity seen on X, if known.',
    }),
    tags: t.field({
      type: [TagRef],
      description: 'The team’s tags on this prospect (from the tag collection, no extra call per tag).',
      resolve: (prospect, _args, context) => existing(context.loaders.tags.byId, prospect.context.tags),
    }),
    status: t.field({
      type: StatusRef,
      nullable: true,
      description: 'The team’s pipeline status for this prospect, if set.',
      resolve: (prospect, _args, context) =>
        prospect.context.statusId ? context.loaders.statuses.byId.load(prospect.context.statusId) : null,
    }),
    valuation: t.float({
      nullable: true,
      description: 'Deal value in the team currency (`Team.currency`).',
      resolve: (prospect) => prospect.context.valuation,
    }),
    notes: t.string({
      nullable: true,
      description: 'The team’s notes on this prospect.',
      resolve: (prospect) => prospect.context.notes,
    }),
    assignee: t.field({
      type: MemberRef,
      nullable: true,
      description: 'The member this prospect is assigned to, if any.',
      resolve: (prospect, _args, context) =>
        prospect.context.assigneeId ? context.loaders.members.byId.load(prospect.context.assigneeId) : null,
    }),
    threads: t.field({
      type: [ThreadRef],
      complexity: UPSTREAM_COST.fewItems,
      description:
        'Every thread with this prospect (one per account link): one `GET /threads/lookup-by-username` ' +
        'covers all of them, and primes the thread loader.',
      resolve: (prospect, _args, context) => context.loaders.threadsOfProspect(prospect),
    }),
  }),
});

builder.queryFields((t) => ({
  prospect: t.field({
    type: ProspectRef,
    complexity: UPSTREAM_COST.oneCall,
    nullable: true,
    description: 'A prospect by global id, or by raw Inbox id (`GET /prospects/{externalId}`).',
    args: { id: t.arg.id({ required: true, description: 'Global `id` or the raw Inbox id (`inboxId`).' }) },
    resolve: (_root, { id }, context) => {
      const key = parseProspectId(id, 'id');
      return 'externalId' in key
        ? context.loaders.prospect.load(key.externalId)
        : context.loaders.prospectByPlatformId.load(key.platformId);
    },
  }),
  prospectByPlatformId: t.field({
    type: ProspectRef,
    complexity: UPSTREAM_COST.oneCall,
    nullable: true,
    description:
      'A prospect by X user id; `null` when the team has never interacted with them (`GET /prospects/lookup`).',
    args: { platformId: t.arg.string({ required: true, description: 'X user id (decimal string).' }) },
    resolve: (_root, { platformId }, context) =>
      context.loaders.prospectByPlatformId.load(parsePlatformId(platformId, 'platformId')),
  }),
}));

// ---------------------------------------------------------------- mutations

const ProspectPayloadRef = builder.objectRef<{ prospect: ProspectWithContext }>('ProspectPayload');
ProspectPayloadRef.implement({
  description: 'The answer to a prospect write: the prospect as it is now.',
  fields: (t) => ({
    prospect: t.field({
      type: ProspectRef,
      nullable: true,
      description:
        'The prospect with its new CRM data and global `id` (the write’s own answer, no extra call). Its ' +
        '`threads` are re-read, so `done`/`assignee` written to all of them show.',
      resolve: (payload) => payload.prospect,
    }),
  }),
});

const UpdateProspectContextInputRef = builder.inputType('UpdateProspectContextInput', {
  description:
    'Changes the team’s CRM data of a prospect. Fields left out stay as they are; `null` clears ' +
    '`notes`, `valuation`, `statusId` and `assigneeId`.',
  fields: (t) => ({
    id: t.id({
      required: true,
      description: 'The prospect: its global `id` (platform + X user id) or its raw Inbox id (`inboxId`).',
    }),
    notes: t.string({ description: 'The team’s notes; `null` clears them.' }),
    valuation: t.float({ description: 'Deal value in the team currency; `null` clears it.' }),
    statusId: t.id({ description: 'Global or raw id of the status to set; `null` clears the status.' }),
    addTagIds: t.idList({ description: 'Tags to add (global or raw ids); the others stay.' }),
    removeTagIds: t.idList({ description: 'Tags to remove (global or raw ids).' }),
    assigneeId: t.id({
      description:
        'Member to assign (global or raw id), written to every thread of the prospect; `null` unassigns.',
    }),
    done: t.boolean({ description: 'Mark every thread of the prospect done, or reopen them all.' }),
  }),
});

const tagIds = z.array(inboxId('Tag'), NOT_NULL);
const updateContextInput = z
  .object({
    id: prospectKey,
    notes: z.string().nullable().optional(),
    valuation: z.number().nullable().optional(),
    statusId: inboxId('Status').nullable().optional(),
    addTagIds: tagIds.optional(),
    removeTagIds: tagIds.optional(),
    assigneeId: inboxId('Member').nullable().optional(),
    done: z.boolean(NOT_NULL).optional(),
  })
  .superRefine(({ addTagIds = [], removeTagIds = [] }, context) => {
    const both = addTagIds.findIndex((id) => removeTagIds.includes(id));
    if (both >= 0) {
      context.issues.push({
        code: 'custom',
        path: ['removeTagIds'],
        message: 'must not name a tag that `addTagIds` adds',
        input: removeTagIds,
      });
    }
  });

/** The Inbox id the write needs: a raw id as given, a Prospect global id through the lookup (a read). */
async function externalIdOf(key: ProspectKey, context: Context): Promise<string> {
  if ('externalId' in key) return key.externalId;
  const found = await context.loaders.prospectByPlatformId.load(key.platformId);
  if (!found || found.platform !== key.platform) {
    throw new GraphQLError('No such prospect in this team.', {
      extensions: { code: 'NOT_FOUND', field: 'input.id' },
    });
  }
  if (!found.externalId) {
    throw badUserInput(
      '`input.id` names someone Inbox has not imported yet: open a thread with them first.',
      'input.id',
    );
  }
  return found.externalId;
}

builder.mutationField('updateProspectContext', (t) =>
  t.field({
    type: ProspectPayloadRef,
    description:
      'Changes a prospect’s tags, status, notes, valuation, assignee and done state in one call ' +
      '(`PATCH /prospects/{id}/context`). `assigneeId` and `done` fan out to every thread of the prospect.',
    args: {
      input: t.arg({ type: UpdateProspectContextInputRef, required: true, description: 'What to change.' }),
    },
    resolve: async (_root, { input }, context) => {
      const { id, addTagIds, removeTagIds, ...fields } = validate(updateContextInput, input);
      const prospectId = await externalIdOf(id, context);
      const prospect = await write(context, () =>
        context.inbox.patch('/prospects/{prospectId}/context', {
          path: { prospectId },
          body: { ...fields, addTags: addTagIds, removeTags: removeTagIds },
        }),
      );
      // The answer is the prospect with `context.threads`: later reads reuse it; its threads are re-read.
      context.loaders.prospect.prime(prospectId, prospect);
      context.loaders.prospectByPlatformId.prime(prospect.platformId, prospect);
      return { prospect };
    },
  }),
);
