import type { GraphQLResolveInfo } from 'graphql';
import { isEnumType } from 'graphql';
import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import { platformIdOf, prospectKeyOf, prospectNodeId, prospectNodeKeyOf } from '../../graphql/ids.js';
import { parsedOrRefused, refusal } from '../../graphql/inputs.js';
import { lookAhead } from '../../graphql/look-ahead-hints.js';
import type { ProspectWithContext } from '../../upstream/types.js';
import {
  MemberObject,
  PlatformEnum,
  ProspectObject,
  StatusObject,
  TagObject,
  ThreadObject,
} from '../refs.js';

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

builder.node(ProspectObject, {
  description:
    'A person the team talks to on X. Profile data is shared by the whole team; `tags`, `status`, `valuation`, ' +
    '`notes` and `assignee` are the team’s CRM data. Identified by platform + `platformId`.',
  id: { resolve: (prospect) => prospectNodeId(prospect) },
  loadOne: async (id, context) => {
    const { platform, platformId } = parsedOrRefused(prospectNodeKeyOf(id), 'id');
    const found = await context.inbox.prospects.byPlatformId(platformId);
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
      type: [TagObject],
      nullable: true,
      complexity: UPSTREAM_COST.fromCollection('tags'),
      extensions: lookAhead({ warms: ['tags'] }),
      description: 'The team’s tags on this prospect (from the tag collection, no extra call per tag).',
      resolve: (prospect, _args, context) => context.inbox.tags.byIds(prospect.context.tags),
    }),
    status: t.field({
      type: StatusObject,
      nullable: true,
      complexity: UPSTREAM_COST.fromCollection('statuses'),
      extensions: lookAhead({ warms: ['statuses'] }),
      description: 'The team’s pipeline status for this prospect, if set.',
      resolve: (prospect, _args, context) =>
        prospect.context.statusId ? context.inbox.statuses.byId(prospect.context.statusId) : null,
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
      type: MemberObject,
      nullable: true,
      complexity: UPSTREAM_COST.fromCollection('members'),
      extensions: lookAhead({ warms: ['members'] }),
      description: 'The member this prospect is assigned to, if any.',
      resolve: (prospect, _args, context) =>
        prospect.context.assigneeId ? context.inbox.members.byId(prospect.context.assigneeId) : null,
    }),
    threads: t.field({
      type: [ThreadObject],
      nullable: true,
      complexity: UPSTREAM_COST.threadsOfProspect,
      description:
        'Every thread with this prospect (one per account link): one `GET /threads/lookup-by-username` ' +
        'covers all of them, and primes the thread loader.',
      resolve: (prospect, _args, context) => context.inbox.threads.ofProspect(prospect),
    }),
  }),
});

/**
 * A representation carries enum keys serialized, i.e. by their GraphQL name (`TWITTER`); the REST
 * objects hold the enum's internal value (`twitter`). The schema's own Platform enum translates.
 */
function platformValue(name: unknown, info: GraphQLResolveInfo): string {
  const platformEnum = info.schema.getType('Platform');
  const value =
    typeof name === 'string' && isEnumType(platformEnum) ? platformEnum.getValue(name)?.value : undefined;
  if (typeof value !== 'string') throw refusal('platform', 'is not a Platform value');
  return value;
}

type ProspectReference = { id: string } | { platform: string; platformId: string };

builder.asEntity(ProspectObject, {
  key: [
    builder.selection<{ id: string }>('id'),
    builder.selection<{ platform: string; platformId: string }>('platform platformId'),
  ],
  resolveReference: async (
    reference: ProspectReference,
    context,
    info: GraphQLResolveInfo,
  ): Promise<ProspectWithContext | null> => {
    const key =
      'id' in reference
        ? parsedOrRefused(prospectKeyOf(reference.id), 'id')
        : {
            platform: platformValue(reference.platform, info),
            platformId: parsedOrRefused(platformIdOf(String(reference.platformId)), 'platformId'),
          };
    // Like every id argument, `id` also accepts a raw Inbox id (the prospect's externalId).
    if ('externalId' in key) return context.inbox.prospects.byInboxId(key.externalId);
    const prospect = await context.inbox.prospects.byPlatformId(key.platformId);
    return prospect?.platform === key.platform ? prospect : null;
  },
});
