import type { Team } from '../inbox/types.js';
import { builder } from './builder.js';

export const TeamRef = builder.objectRef<Team>('Team');

builder.node(TeamRef, {
  description: 'The Inbox team that owns the API token. Every token belongs to exactly one team.',
  id: { resolve: (team) => team.id },
  // There is no GET /teams/{id}: a team id resolves only to the caller's own team.
  loadOne: async (id, context) => {
    const team = await context.loaders.team();
    return team.id === id ? team : null;
  },
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'The raw Inbox id of the team.' }),
    name: t.exposeString('name', { description: 'Display name of the team.' }),
    slug: t.exposeString('slug', { description: 'URL slug of the team in the Inbox dashboard.' }),
    imageUrl: t.string({
      nullable: true,
      description: 'URL of the team avatar, when one is set.',
      resolve: (team) => team.image,
    }),
    currency: t.exposeString('currency', { description: 'Currency of prospect valuations, e.g. `USD`.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the team was created.' }),
    updatedAt: t.expose('updatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the team was last changed, if ever.',
    }),
  }),
});

builder.queryField('team', (t) =>
  t.field({
    type: TeamRef,
    description: 'The team of the API token sent in `Authorization`. One call to `GET /team`.',
    resolve: (_root, _args, context) => context.loaders.team(),
  }),
);
