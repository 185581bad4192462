import { z } from 'zod';
import type { Route } from '../router.js';
import { cuid, parseBody, parseQuery } from '../validation.js';

const lookupQuery = z.object({ platformId: z.string().min(1) });

const contextBody = z.object({
  notes: z.string().max(10_000).nullable().optional(),
  valuation: z.number().nullable().optional(),
  statusId: cuid.nullable().optional(),
  addTags: z.array(cuid).optional(),
  removeTags: z.array(cuid).optional(),
  assigneeId: cuid.nullable().optional(),
  done: z.boolean().optional(),
});

export const prospectRoutes: Route[] = [
  {
    method: 'GET',
    path: '/prospects/lookup',
    handler: ({ team, query }) => {
      const prospect = team.prospectByPlatform(parseQuery(lookupQuery, query).platformId);
      return prospect ? team.prospectView(prospect) : null;
    },
  },
  {
    method: 'GET',
    path: '/prospects/{prospectId}',
    handler: ({ store, team, params }) =>
      team.prospectView(store.owned(team, 'prospect', params.prospectId ?? '')),
  },
  {
    method: 'PATCH',
    path: '/prospects/{prospectId}/context',
    handler: ({ store, team, params, body }) => {
      const prospect = store.owned(team, 'prospect', params.prospectId ?? '');
      team.updateProspectContext(prospect, parseBody(contextBody, body));
      return team.prospectView(prospect);
    },
  },
];
