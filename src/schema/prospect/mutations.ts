import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { ErrorCode } from '../../errors.js';
import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context-type.js';
import type { ProspectKey } from '../../graphql/ids.js';
import { inboxId, prospectKey, refusal, validateWhole, withoutNulls } from '../../graphql/inputs.js';
import type { ProspectWithContext } from '../../upstream/types.js';
import { ProspectObject } from '../refs.js';

const ProspectPayload = builder.objectRef<{ prospect: ProspectWithContext }>('ProspectPayload');
ProspectPayload.implement({
  description: 'The answer to a prospect write: the prospect as it is now.',
  fields: (t) => ({
    prospect: t.field({
      type: ProspectObject,
      nullable: true,
      description:
        'The prospect with its new CRM data and global `id` (the write’s own answer, no extra call). Its ' +
        '`threads` are re-read, so `done`/`assignee` written to all of them show.',
      resolve: (payload) => payload.prospect,
    }),
  }),
});

const tagIds = z.array(inboxId('Tag'));

const UpdateProspectContextInput = validateWhole(
  builder.inputType('UpdateProspectContextInput', {
    description:
      'Changes the team’s CRM data of a prospect. Fields left out stay as they are; `null` clears ' +
      '`notes`, `valuation`, `statusId` and `assigneeId`.',
    fields: (t) => ({
      id: t
        .id({
          required: true,
          description:
            'The prospect: its global `id` (platform + X user id) or its raw Inbox id (`inboxId`).',
        })
        .validate(prospectKey),
      notes: t.string({ description: 'The team’s notes; `null` clears them.' }),
      valuation: t.float({ description: 'Deal value in the team currency; `null` clears it.' }),
      statusId: t
        .id({ description: 'Global or raw id of the status to set; `null` clears the status.' })
        .validate(inboxId('Status').nullish()),
      addTagIds: t
        .idList({ description: 'Tags to add (global or raw ids); the others stay.' })
        .validate(tagIds.nullish()),
      removeTagIds: t
        .idList({ description: 'Tags to remove (global or raw ids).' })
        .validate(tagIds.nullish()),
      assigneeId: t
        .id({
          description:
            'Member to assign (global or raw id), written to every thread of the prospect; `null` unassigns.',
        })
        .validate(inboxId('Member').nullish()),
      done: t.boolean({ description: 'Mark every thread of the prospect done, or reopen them all.' }),
    }),
  }),
  (shape) =>
    withoutNulls(shape, ['addTagIds', 'removeTagIds', 'done']).superRefine(
      ({ addTagIds = [], removeTagIds = [] }, context) => {
        if (addTagIds.some((id) => removeTagIds.includes(id))) {
          context.issues.push({
            code: 'custom',
            path: ['removeTagIds'],
            message: 'must not name a tag that `addTagIds` adds',
            input: removeTagIds,
          });
        }
      },
    ),
);

/** The Inbox id the write needs: a raw id as given, a Prospect global id through the lookup (a read). */
async function inboxIdOfProspect(key: ProspectKey, context: Context): Promise<string> {
  if ('externalId' in key) return key.externalId;
  const found = await context.inbox.prospects.byPlatformId(key.platformId);
  if (!found || found.platform !== key.platform) {
    throw new GraphQLError('No such prospect in this team.', {
      extensions: { code: ErrorCode.NOT_FOUND, field: 'input.id' },
    });
  }
  if (!found.externalId) {
    throw refusal('input.id', 'names someone Inbox has not imported yet: open a thread with them first');
  }
  return found.externalId;
}

builder.mutationField('updateProspectContext', (t) =>
  t.field({
    type: ProspectPayload,
    nullable: true,
    complexity: UPSTREAM_COST.lookupAndWrite,
    description:
      'Changes a prospect’s tags, status, notes, valuation, assignee and done state in one call ' +
      '(`PATCH /prospects/{id}/context`). `assigneeId` and `done` fan out to every thread of the prospect.',
    args: {
      input: t.arg({ type: UpdateProspectContextInput, required: true, description: 'What to change.' }),
    },
    resolve: async (_root, { input: { id, ...patch } }, context) => {
      const externalId = await inboxIdOfProspect(id, context);
      const prospect = await context.inbox.prospects.updateContext(externalId, patch);
      return { prospect };
    },
  }),
);
