import { existing } from '../loaders.js';
import type { Session } from '../session.js';

/** The team and its small collections (members, account links, palettes): each one cached `GET`. */
export function teamOperations({ loaders }: Session) {
  return {
    team: {
      /** `GET /team`: the team of the caller's token. */
      get: () => loaders.team(),
    },
    members: {
      all: () => loaders.members.all(),
      byId: (memberId: string) => loaders.members.byId.load(memberId),
      /** Messages name their sender by user id; the member collection maps it. */
      byUserId: (userId: string) => loaders.memberByUserId.load(userId),
    },
    accountLinks: {
      all: () => loaders.accountLinks.all(),
      byId: (accountLinkId: string) => loaders.accountLinks.byId.load(accountLinkId),
      /** The account links that exist, in order (an id deleted since it was read is simply gone). */
      byIds: (accountLinkIds: readonly string[]) => existing(loaders.accountLinks.byId, accountLinkIds),
    },
    colors: {
      /** `GET /colors`, `/tags/colors` or `/statuses/colors`. */
      palette: (scope: 'all' | 'tags' | 'statuses') => loaders.colors(scope),
    },
  };
}
