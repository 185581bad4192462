import { z } from 'zod';
import type { Color } from '../../inbox/types.js';
import type { Route } from '../router.js';
import { parseBody } from '../validation.js';

/** The real palette was never published; these names and hex values match the examples. */
export const PALETTE: Color[] = [
  { name: 'red', hex: '#ef4444' },
  { name: 'orange', hex: '#f97316' },
  { name: 'amber', hex: '#f59e0b' },
  { name: 'green', hex: '#22c55e' },
  { name: 'teal', hex: '#14b8a6' },
  { name: 'blue', hex: '#3b82f6' },
  { name: 'purple', hex: '#a855f7' },
  { name: 'gray', hex: '#6b7280' },
];

/** Tag.color is not nullable: a tag created without one gets gray. */
const DEFAULT_TAG_COLOR = '#6b7280';

const name = z
  .string()
  .max(255, { error: 'must be 1-255 characters' })
  .refine((value) => value.trim().length > 0, { error: 'must be 1-255 characters' });

/** A palette name (stored as given) or a hex color. */
const color = z
  .string()
  .refine((value) => /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value) || PALETTE.some((c) => c.name === value), {
    error: 'must be a palette name (see GET /colors) or a hex color like #ef4444',
  })
  .nullable();

const createBody = z.object({ name, color: color.optional() });
const updateBody = z.object({ name: name.optional(), color: color.optional() });

export const labelRoutes: Route[] = [
  { method: 'GET', path: '/colors', handler: () => PALETTE },
  { method: 'GET', path: '/tags/colors', handler: () => PALETTE },
  { method: 'GET', path: '/statuses/colors', handler: () => PALETTE },

  { method: 'GET', path: '/tags', handler: ({ team }) => team.tags },
  {
    method: 'POST',
    path: '/tags',
    handler: ({ team, body }) => {
      const input = parseBody(createBody, body);
      return team.createTag(input.name, input.color ?? DEFAULT_TAG_COLOR);
    },
  },
  {
    method: 'GET',
    path: '/tags/{tagId}',
    handler: ({ store, team, params }) => store.owned(team, 'tag', params.tagId ?? ''),
  },
  {
    method: 'PATCH',
    path: '/tags/{tagId}',
    handler: ({ store, team, params, body }) => {
      const tag = store.owned(team, 'tag', params.tagId ?? '');
      const input = parseBody(updateBody, body);
      team.updateTag(tag, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.color !== undefined && { color: input.color ?? DEFAULT_TAG_COLOR }),
      });
      return tag;
    },
  },
  {
    method: 'DELETE',
    path: '/tags/{tagId}',
    handler: ({ store, team, params }) => {
      team.deleteTag(store.owned(team, 'tag', params.tagId ?? ''));
      return null;
    },
  },

  { method: 'GET', path: '/statuses', handler: ({ team }) => team.statuses },
  {
    method: 'POST',
    path: '/statuses',
    handler: ({ team, body }) => {
      const input = parseBody(createBody, body);
      return team.createStatus(input.name, input.color ?? null);
    },
  },
  {
    method: 'GET',
    path: '/statuses/{statusId}',
    handler: ({ store, team, params }) => store.owned(team, 'status', params.statusId ?? ''),
  },
  {
    method: 'PATCH',
    path: '/statuses/{statusId}',
    handler: ({ store, team, params, body }) => {
      const status = store.owned(team, 'status', params.statusId ?? '');
      const input = parseBody(updateBody, body);
      team.updateStatus(status, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.color !== undefined && { color: input.color }),
      });
      return status;
    },
  },
  {
    method: 'DELETE',
    path: '/statuses/{statusId}',
    handler: ({ store, team, params }) => {
      team.deleteStatus(store.owned(team, 'status', params.statusId ?? ''));
      return null;
    },
  },
];
