import { builder } from '../graphql/builder.js';
import type {
  AccountLink,
  Campaign,
  InboxEvent,
  Member,
  Message,
  ProspectWithContext,
  Status,
  Tag,
  Team,
  Thread,
} from '../upstream/types.js';

/**
 * Every object type that more than one domain refers to, declared here before any implementation (Pothos's
 * way of breaking circular references): the domain folders import these refs, never each other's types, so
 * each of them can be imported first, in any order. Each ref is implemented in its domain's `types.ts`.
 */
export const TeamObject = builder.objectRef<Team>('Team');
export const MemberObject = builder.objectRef<Member>('Member');
export const AccountLinkObject = builder.objectRef<AccountLink>('AccountLink');
export const TagObject = builder.objectRef<Tag>('Tag');
export const StatusObject = builder.objectRef<Status>('Status');
/** A prospect as the API returns it: profile data plus the team's CRM `context`. */
export const ProspectObject = builder.objectRef<ProspectWithContext>('Prospect');
export const ThreadObject = builder.objectRef<Thread>('Thread');
export const MessageObject = builder.objectRef<Message>('Message');
export const CampaignObject = builder.objectRef<Campaign>('Campaign');
export const InboxEventObject = builder.objectRef<InboxEvent>('InboxEvent');

/** Shared by account links, prospects and threads. */
export const PlatformEnum = builder.enumType('Platform', {
  description: 'The social platform of an account link, prospect or conversation.',
  values: {
    TWITTER: { value: 'twitter', description: 'X (formerly Twitter).' },
    SANDBOX: { value: 'sandbox', description: 'Inbox sandbox conversations, for testing.' },
  } as const,
});

/** Shared by `Query.threads` and `AccountLink.threads`. */
export const InboxViewEnum = builder.enumType('InboxView', {
  description: 'The inbox views of the Inbox app.',
  values: {
    DEFAULT: { value: 'default', description: 'Active conversations.' },
    NO_REPLY: { value: 'no-reply', description: 'The team wrote last and awaits an answer.' },
    REQUESTS: { value: 'requests', description: 'Message requests.' },
    ARCHIVED: { value: 'archived', description: 'Threads marked done.' },
  } as const,
});
