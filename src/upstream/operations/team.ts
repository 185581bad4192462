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
      byId: (memberId: string) => loaders.members.get(memberId),
      /** Messages name their sender by user id; the member collection maps it. */
      byUserId: (userId: string) => loaders.memberOfUser(userId),
    },
    accountLinks: {
      all: () => loaders.accountLinks.all(),
      byId: (accountLinkId: string) => loaders.accountLinks.get(accountLinkId),
      /** The account links that exist, in order (an id deleted since it was read is simply gone). */
      byIds: (accountLinkIds: readonly string[]) => loaders.accountLinks.getMany(accountLinkIds),
    },
    colors: {
      /** `GET /colors`, `/tags/colors` or `/statuses/colors`. */
      palette: (scope: 'all' | 'tags' | 'statuses') => loaders.colors(scope),
    },
  };
}
