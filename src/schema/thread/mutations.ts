import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import { encodeGlobalID } from '../../graphql/ids.js';
import { inboxId, refuseNulls } from '../../graphql/inputs.js';
import type { Thread, TypingResult } from '../../upstream/types.js';
import { atMostOnce, clientMutationIdEcho, clientMutationIdInput } from '../../writes/client-mutation-id.js';
import { DeletePayload } from '../deletion.js';
import { ProspectRefInput } from '../prospect/prospect-ref-input.js';
import { ThreadObject } from '../refs.js';

/** `thread` is the REST answer when the write returned the thread; otherwise it is re-read when selected. */
const ThreadPayload = builder.objectRef<{
  threadId: string;
  thread?: Thread;
  clientMutationId?: string | null;
}>('ThreadPayload');
ThreadPayload.implement({
  description: 'The answer to a thread write: the thread as it is now.',
  fields: (t) => ({
    thread: t.field({
      type: ThreadObject,
      nullable: true,
      complexity: UPSTREAM_COST.oneCall,
      description:
        'The changed thread, with its global `id`, so client caches update. It is the write’s own answer ' +
        'where the Inbox API returns the thread, else one `GET /threads/{id}`, made only when selected.',
      resolve: (payload, _args, context) => payload.thread ?? context.inbox.threads.byId(payload.threadId),
    }),
    clientMutationId: t.string(clientMutationIdEcho),
  }),
});

const TypingPayload = builder.objectRef<TypingResult>('TypingPayload');
TypingPayload.implement({
  description: 'Whether X showed the typing indicator.',
  fields: (t) => ({
    sent: t.boolean({
      description: 'The indicator was sent to X.',
      resolve: (result) => result.status === 'sent',
    }),
    skippedReason: t.string({
      nullable: true,
      description:
        'Why it was not sent, as the Inbox API says: `unsupported` (not an X Chat thread), `typingDisabled` ' +
        '(turned off for the thread or team), `rateLimited` (sent moments ago) or `outboundDisabled`; ' +
        '`null` when sent.',
      resolve: (result) => (result.status === 'sent' ? null : (result.reason ?? null)),
    }),
  }),
});

const threadIdField = 'Global `id` or raw `inboxId` of the thread.';

const ThreadRefInput = builder.inputType('ThreadRefInput', {
  description: 'Names a thread.',
  fields: (t) => ({
    threadId: t.id({ required: true, description: threadIdField }).validate(inboxId('Thread')),
  }),
});

const CreateThreadInput = builder.inputType('CreateThreadInput', {
  description: 'Opens the conversation between one of the team’s account links and a prospect.',
  fields: (t) => ({
    accountLinkId: t
      .id({ required: true, description: 'Global or raw id of the account link that writes.' })
      .validate(inboxId('AccountLink')),
    prospect: t.field({
      type: ProspectRefInput,
      required: true,
      description:
        'The prospect: an X user id, or the Inbox id of a known prospect. An X user Inbox has not seen ' +
        'yet is imported.',
    }),
    clientMutationId: clientMutationIdInput(t),
  }),
});

const UpdateThreadInput = refuseNulls(
  builder.inputType('UpdateThreadInput', {
    description: 'Changes a thread. Fields left out stay as they are.',
    fields: (t) => ({
      id: t.id({ required: true, description: threadIdField }).validate(inboxId('Thread')),
      done: t.boolean({ description: 'Mark done (archive) or reopen. Cannot be null.' }),
      assigneeId: t
        .id({ description: 'Global or raw id of the member to assign; `null` unassigns.' })
        .validate(inboxId('Member').nullish()),
    }),
  }),
  'done',
);

const DeleteThreadInput = builder.inputType('DeleteThreadInput', {
  description: 'Names the thread to delete.',
  fields: (t) => ({
    id: t.id({ required: true, description: threadIdField }).validate(inboxId('Thread')),
  }),
});

const UpdateThreadSettingsInput = builder.inputType('UpdateThreadSettingsInput', {
  description: 'Per-thread settings. Fields left out stay as they are.',
  fields: (t) => ({
    threadId: t.id({ required: true, description: threadIdField }).validate(inboxId('Thread')),
    typingIndicatorsEnabled: t.boolean({
      description: 'Send typing indicators in this thread; `null` follows the team default.',
    }),
  }),
});

const answered = (thread: Thread) => ({ threadId: thread.id, thread });

builder.mutationFields((t) => ({
  createThread: t.field({
    type: ThreadPayload,
    nullable: true,
    description:
      'Opens (or finds: one thread per account link and prospect) a conversation (`POST /threads`). ' +
      'Writing in it needs the Outbound add-on when the prospect never wrote to the team.',
    args: { input: t.arg({ type: CreateThreadInput, required: true, description: 'Who talks to whom.' }) },
    resolve: async (_root, { input }, context) => {
      const thread = await atMostOnce(context, 'createThread', input, () =>
        context.inbox.threads.create(input.accountLinkId, input.prospect),
      );
      return { ...answered(thread), clientMutationId: input.clientMutationId };
    },
  }),
  updateThread: t.field({
    type: ThreadPayload,
    nullable: true,
    description:
      'Marks a thread done or not, and assigns or unassigns it (`PATCH /threads/{id}`). To change every ' +
      'thread of a prospect at once, use `updateProspectContext`.',
    args: { input: t.arg({ type: UpdateThreadInput, required: true, description: 'What to change.' }) },
    resolve: async (_root, { input: { id, ...patch } }, context) =>
      answered(await context.inbox.threads.update(id, patch)),
  }),
  deleteThread: t.field({
    type: DeletePayload,
    nullable: true,
    description: 'Deletes a thread (`DELETE /threads/{id}`, a soft delete upstream).',
    args: { input: t.arg({ type: DeleteThreadInput, required: true, description: 'The thread.' }) },
    resolve: async (_root, { input: { id } }, context) => {
      await context.inbox.threads.delete(id);
      return { deletedId: encodeGlobalID('Thread', id) };
    },
  }),
  sendTypingIndicator: t.field({
    type: TypingPayload,
    nullable: true,
    description:
      'Shows “typing…” to the prospect (`POST /threads/{id}/typing`). Only X Chat threads support it; ' +
      'the Inbox API skips (rather than refuses) the others, and says why in `skippedReason`.',
    args: { input: t.arg({ type: ThreadRefInput, required: true, description: 'The thread.' }) },
    resolve: (_root, { input }, context) => context.inbox.threads.sendTypingIndicator(input.threadId),
  }),
  updateThreadSettings: t.field({
    type: ThreadPayload,
    nullable: true,
    description:
      'Changes the typing-indicator override of a thread (`PATCH /threads/{id}/settings`). The answer ' +
      'holds only the settings: `thread` costs one `GET /threads/{id}` when selected.',
    args: {
      input: t.arg({ type: UpdateThreadSettingsInput, required: true, description: 'The settings.' }),
    },
    resolve: async (_root, { input: { threadId, ...patch } }, context) => {
      const settings = await context.inbox.threads.updateSettings(threadId, patch);
      return { threadId: settings.threadId };
    },
  }),
}));
