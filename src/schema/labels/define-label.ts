import type { ObjectRef } from '@pothos/core';
import { z } from 'zod';
import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder, type Types } from '../../graphql/builder.js';
import { encodeGlobalID } from '../../graphql/ids.js';
import { color, inboxId, refuseNulls, requirePaletteColor, validName } from '../../graphql/inputs.js';
import type { InboxApi } from '../../upstream/api.js';
import type { LabelKind, LabelOperations } from '../../upstream/operations/labels.js';
import { atMostOnce, clientMutationIdEcho, clientMutationIdInput } from '../../writes/client-mutation-id.js';
import { DeleteInput, DeletePayload } from '../deletion.js';

/** What every label kind has. */
interface Label {
  id: string;
  name: string;
}

interface LabelDefinition<T extends Label> {
  object: ObjectRef<Types, T>;
  typename: 'Tag' | 'Status';
  kind: LabelKind;
  /** `tag` / `status`: the by-id query, the payload field, and the words of descriptions. */
  singular: 'tag' | 'status';
  /** What `color` means when creating and when updating (the defaults differ upstream). */
  colorOnCreate: string;
  colorOnUpdate: string;
  /** What a deletion does to prospects. */
  onDelete: string;
  operations: (inbox: InboxApi) => LabelOperations<T>;
}

/**
 * Tags and statuses are twins: a team-wide collection read once (`GET /tags`, `GET /statuses`), the list and
 * by-id queries, and create/update/delete. This defines the queries, inputs, payload and mutations of one
 * kind; each kind's node type (which differs) is in ./types.ts.
 */
export function defineLabelFields<T extends Label>(label: LabelDefinition<T>) {
  const { typename, kind, singular } = label;
  // Pothos cannot check resolvers against a generic shape: every label is a Label, which is all we return.
  const object = label.object as unknown as ObjectRef<Types, Label>;
  const upstream = `/${kind}`;

  const Payload = builder.objectRef<{ label: Label; clientMutationId?: string | null }>(`${typename}Payload`);
  Payload.implement({
    description: `The answer to a ${singular} write: the ${singular} as it is now.`,
    fields: (t) => ({
      [singular]: t.field({
        type: object,
        nullable: true,
        description: `The ${singular}, with its global \`id\`, as the Inbox API answered the write (no extra call).`,
        resolve: (payload) => payload.label,
      }),
      clientMutationId: t.string(clientMutationIdEcho),
    }),
  });

  const CreateInput = builder.inputType(`Create${typename}Input`, {
    description: `A new ${singular}.`,
    fields: (t) => ({
      name: t
        .string({ required: true, description: 'Name, 1–255 characters, unique in the team.' })
        .validate(validName),
      color: t.string({ description: label.colorOnCreate }).validate(color.nullish()),
      clientMutationId: clientMutationIdInput(t),
    }),
  });

  const UpdateInput = refuseNulls(
    builder.inputType(`Update${typename}Input`, {
      description: `Renames or recolors a ${singular}. Fields left out stay as they are.`,
      fields: (t) => ({
        id: t
          .id({ required: true, description: `Global \`id\` or raw \`inboxId\` of the ${singular}.` })
          .validate(inboxId(typename)),
        name: t
          .string({ description: 'New name, 1–255 characters, unique in the team.' })
          .validate(validName.nullish()),
        color: t.string({ description: label.colorOnUpdate }).validate(color.nullish()),
      }),
    }),
    'name',
  );

  builder.queryFields((t) => ({
    [kind]: t.field({
      type: [object],
      nullable: true,
      complexity: UPSTREAM_COST.fromCollection(kind),
      description: `Every ${singular} of the team. One \`GET ${upstream}\`, shared by every ${singular} of the request.`,
      resolve: (_root, _args, context) => label.operations(context.inbox).all(),
    }),
    [singular]: t.field({
      type: object,
      nullable: true,
      complexity: UPSTREAM_COST.fromCollection(kind),
      description: `A ${singular} by global or raw Inbox id; \`null\` if the team has no such ${singular}.`,
      args: {
        id: t.arg
          .id({ required: true, description: 'Global `id` or raw `inboxId`.' })
          .validate(inboxId(typename)),
      },
      resolve: (_root, { id }, context) => label.operations(context.inbox).byId(id),
    }),
  }));

  builder.mutationFields((t) => ({
    [`create${typename}`]: t.field({
      type: Payload,
      nullable: true,
      // A palette name is checked against the palette (`GET /colors`, cached).
      complexity: UPSTREAM_COST.writeWithPalette,
      description: `Creates a ${singular} (\`POST ${upstream}\`). A name the team already uses gives CONFLICT.`,
      args: { input: t.arg({ type: CreateInput, required: true, description: `The ${singular}.` }) },
      resolve: async (_root, { input }, context) => {
        await requirePaletteColor(context.inbox, input.color, 'input.color');
        const created = await atMostOnce(context, `create${typename}`, input, async () => {
          const answer = await label
            .operations(context.inbox)
            .create({ name: input.name, color: input.color });
          context.events.announce(context.inbox, `${singular}.created`, () => ({ [singular]: answer }));
          return answer;
        });
        return { label: created, clientMutationId: input.clientMutationId };
      },
    }),
    [`update${typename}`]: t.field({
      type: Payload,
      nullable: true,
      complexity: UPSTREAM_COST.writeWithPalette,
      description:
        `Renames or recolors a ${singular} (\`PATCH ${upstream}/{id}\`). ` +
        'A name the team already uses gives CONFLICT.',
      args: { input: t.arg({ type: UpdateInput, required: true, description: 'What to change.' }) },
      resolve: async (_root, { input: { id, ...patch } }, context) => {
        await requirePaletteColor(context.inbox, patch.color, 'input.color');
        const updated = await label.operations(context.inbox).update(id, patch);
        context.events.announce(context.inbox, `${singular}.updated`, () => ({ [singular]: updated }));
        return { label: updated };
      },
    }),
    [`delete${typename}`]: t.field({
      type: DeletePayload,
      nullable: true,
      description: `Deletes a ${singular} (\`DELETE ${upstream}/{id}\`): ${label.onDelete}`,
      args: {
        input: t
          .arg({ type: DeleteInput, required: true, description: `The ${singular}.` })
          .validate(z.object({ id: inboxId(typename) })),
      },
      resolve: async (_root, { input: { id } }, context) => {
        await label.operations(context.inbox).delete(id);
        // The typed change of a deletion carries only the id.
        context.events.announce(context.inbox, `${singular}.deleted`, () => ({
          [singular]: { id, name: '' },
        }));
        return { deletedId: encodeGlobalID(typename, id) };
      },
    }),
  }));
}
