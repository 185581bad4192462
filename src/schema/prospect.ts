import { badUserInput } from '../errors.js';
import type { ProspectWithContext } from '../inbox/types.js';
import { existing } from '../loaders/index.js';
import { builder } from './builder.js';
import {
  parseInboxId,
  parsePlatformId,
  parseProspectId,
  parseProspectNodeId,
  prospectNodeId,
} from './ids.js';
import { MemberRef } from './member.js';
import { PlatformEnum } from './platform.js';
import { StatusRef } from './status.js';
import { TagRef } from './tag.js';
import { ThreadRef } from './thread.js';

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
    platform: t.field({
      type: PlatformEnum,
      description: 'Platform of the profile.',
      resolve: (p) => p.platform,
    }),
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
    verified: t.field({
      type: VerificationEnum,
      description: 'Verification badge.',
      resolve: (p) => p.verified,
    }),
    profileType: t.field({
      type: ProfileTypeEnum,
      description: 'Kind of profile.',
      resolve: (p) => p.profileType,
    }),
    isProtected: t.exposeBoolean('isProtected', { description: 'Posts are protected (private account).' }),
    followerCount: t.exposeInt('followerCount', { description: 'Followers on X.' }),
    followingCount: t.exposeInt('followingCount', { description: 'Accounts followed on X.' }),
    postCount: t.exposeInt('postCount', { description: 'Posts on X.' }),
    lastActiveAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Last activity seen on X, if known.',
      resolve: (prospect) => prospect.lastActiveAt,
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
    nullable: true,
    description:
      'A prospect by X user id; `null` when the team has never interacted with them (`GET /prospects/lookup`).',
    args: { platformId: t.arg.string({ required: true, description: 'X user id (decimal string).' }) },
    resolve: (_root, { platformId }, context) =>
      context.loaders.prospectByPlatformId.load(parsePlatformId(platformId, 'platformId')),
  }),
}));
