import { resolveNodes } from '@pothos/plugin-relay';
import { builder } from '../graphql/builder.js';
import { globalIdOf } from '../graphql/ids.js';
import { refusal } from '../graphql/inputs.js';

/**
 * `node` and `nodes`, Relay's refetch fields. Each id is decoded and checked as the typed arguments check ids
 * (type, shape, length) before anything is loaded; a malformed id is BAD_USER_INPUT, and inside `nodes` it
 * fails only its own item. Each type loads through its `loadOne` (the loaders: batched, de-duplicated).
 * Their cost is counted per distinct id and per type by the upstream-call estimate (src/budget/estimate.ts).
 */
const NodeInterface = builder.nodeInterfaceRef();

builder.queryFields((t) => ({
  node: t.field({
    type: NodeInterface,
    nullable: true,
    description: 'Any object by its global `id`; `null` when there is none.',
    args: { id: t.arg.id({ required: true, description: 'A global `id`.' }) },
    resolve: async (_root, { id }, context, info) => {
      const parsed = globalIdOf(id);
      if ('refusal' in parsed) throw refusal('id', parsed.refusal);
      const [found] = await resolveNodes(builder, context, info, [parsed.value]);
      return found ?? null;
    },
  }),
  nodes: t.field({
    type: [NodeInterface],
    nullable: { list: true, items: true },
    description: 'Objects by their global ids, in order; `null` where none was found.',
    args: { ids: t.arg.idList({ required: true, description: 'Global ids.' }) },
    resolve: async (_root, { ids }, context, info) => {
      const parsed = ids.map(globalIdOf);
      const valid = parsed.flatMap((id) => ('value' in id ? [id.value] : []));
      const found = (await resolveNodes(builder, context, info, valid)).values();
      // graphql-js reads an Error in a list as that item's error: the other items keep their values.
      return parsed.map((id, index) =>
        'value' in id ? (found.next().value ?? null) : refusal(`ids[${index}]`, id.refusal),
      );
    },
  }),
}));
