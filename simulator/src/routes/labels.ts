import { z } from 'zod';
import type { Color } from '../contract.js';
import { LABEL_KINDS, type Label, type LabelEntity, type LabelKind } from '../label-kinds.js';
import type { RequestContext, Route } from '../router.js';
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

/** GET/POST on the collection, GET/PATCH/DELETE on one label: the same for tags and statuses. */
function labelKindRoutes<K extends LabelEntity>(kind: LabelKind<K>): Route[] {
  const one = `${kind.path}/{${kind.idParam}}`;
  const owned = ({ store, team, params }: RequestContext): Label<K> =>
    store.owned(team, kind.entity, params[kind.idParam] ?? '');
  return [
    { method: 'GET', path: kind.path, handler: ({ team }) => team.labels(kind) },
    {
      method: 'POST',
      path: kind.path,
      handler: ({ team, body }) => {
        const input = parseBody(createBody, body);
        return team.createLabel(kind, input.name, input.color ?? null);
      },
    },
    { method: 'GET', path: one, handler: owned },
    {
      method: 'PATCH',
      path: one,
      handler: (context) => {
        const label = owned(context);
        context.team.updateLabel(kind, label, parseBody(updateBody, context.body));
        return label;
      },
    },
    {
      method: 'DELETE',
      path: one,
      handler: (context) => {
        context.team.deleteLabel(kind, owned(context));
        return null;
      },
    },
  ];
}

export const labelRoutes: Route[] = [
  { method: 'GET', path: '/colors', handler: () => PALETTE },
  { method: 'GET', path: '/tags/colors', handler: () => PALETTE },
  { method: 'GET', path: '/statuses/colors', handler: () => PALETTE },
  ...LABEL_KINDS.flatMap((kind) => labelKindRoutes(kind)),
];
