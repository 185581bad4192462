import { z } from 'zod';
import type { InboxEvent } from '../contract.js';
import type { Route } from '../router.js';
import { intParam, parseQuery } from '../validation.js';

const eventsQuery = z.object({
  afterSeq: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
  limit: intParam(1, 1000).optional(),
});

/** Index of the first event with seq > afterSeq (events are in ascending seq order). */
function firstAfter(events: readonly InboxEvent[], afterSeq: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((events[mid] as InboxEvent).seq <= afterSeq) low = mid + 1;
    else high = mid;
  }
  return low;
}

export const teamRoutes: Route[] = [
  { method: 'GET', path: '/team', handler: ({ team }) => team.team },
  { method: 'GET', path: '/account-links', handler: ({ team }) => team.accountLinks },
  { method: 'GET', path: '/members', handler: ({ team }) => team.members },
  {
    method: 'GET',
    path: '/members/{memberId}',
    handler: ({ store, team, params }) => store.owned(team, 'member', params.memberId ?? ''),
  },
  {
    method: 'GET',
    path: '/events',
    handler: ({ team, query }) => {
      const input = parseQuery(eventsQuery, query);
      const start = input.afterSeq === undefined ? 0 : firstAfter(team.events, input.afterSeq);
      const end = start + (input.limit ?? 100);
      const events = team.events.slice(start, end);
      // An empty page keeps the caller's position instead of sending it back to the start.
      const lastSeq = events.at(-1)?.seq ?? input.afterSeq ?? null;
      return { events, hasMore: end < team.events.length, lastSeq };
    },
  },
];
