import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import type { Color } from '../../upstream/types.js';

const ColorObject = builder.objectRef<Color>('Color');
ColorObject.implement({
  description: 'A palette color for tags and statuses.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Palette name, usable as a tag or status `color`.' }),
    hex: t.exposeString('hex', { description: 'Hex value, e.g. `#ef4444`.' }),
  }),
});

const ColorScopeEnum = builder.enumType('ColorScope', {
  description: 'Which palette to read.',
  values: {
    ALL: { value: 'all', description: 'The palette shared by tags and statuses (`GET /colors`).' },
    TAGS: { value: 'tags', description: 'Colors offered for tags (`GET /tags/colors`).' },
    STATUSES: { value: 'statuses', description: 'Colors offered for statuses (`GET /statuses/colors`).' },
  } as const,
});

builder.queryField('colors', (t) =>
  t.field({
    type: [ColorObject],
    nullable: true,
    complexity: ({ scope }) =>
      UPSTREAM_COST.fromCollection(
        scope === 'tags' ? 'tags/colors' : scope === 'statuses' ? 'statuses/colors' : 'colors',
      ),
    description: 'A color palette. One call to the palette endpoint of the scope.',
    args: {
      scope: t.arg({
        type: ColorScopeEnum,
        defaultValue: 'all',
        description: 'Which palette (default ALL).',
      }),
    },
    resolve: (_root, { scope }, context) => context.inbox.colors.palette(scope ?? 'all'),
  }),
);
