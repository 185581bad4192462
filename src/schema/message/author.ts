import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context-type.js';
import type { AccountLink, ProspectWithContext, Thread } from '../../upstream/types.js';
import { AccountLinkObject, ProspectObject } from '../refs.js';

export const MessageDirectionEnum = builder.enumType('MessageDirection', {
  description: 'Who wrote the message, seen from the team.',
  values: {
    INBOUND: { value: 'inbound', description: 'From the prospect.' },
    OUTBOUND: { value: 'outbound', description: 'From the team’s account link.' },
  } as const,
});

type Author = AccountLink | ProspectWithContext;

export const MessageAuthorUnion = builder.unionType('MessageAuthor', {
  description: 'The writer of a message: the team’s account link, or the prospect.',
  types: [AccountLinkObject, ProspectObject],
  resolveType: (author: Author) => ('handle' in author ? ProspectObject : AccountLinkObject),
});

/**
 * `authorId` is the account link id for the team's messages, else the prospect's. The docs disagree on which
 * prospect id it holds (Inbox id or X user id): both are accepted.
 */
export async function authorOf(authorId: string, thread: Thread, context: Context): Promise<Author | null> {
  const { prospect } = thread;
  if (
    authorId !== thread.accountLinkId &&
    (authorId === prospect.externalId || authorId === prospect.platformId)
  ) {
    return prospect;
  }
  return context.inbox.accountLinks.byId(authorId);
}

export const directionOf = (authorId: string, thread: Thread) =>
  authorId === thread.accountLinkId ? ('outbound' as const) : ('inbound' as const);
