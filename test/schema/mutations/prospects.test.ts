import { describe, expect, it } from 'vitest';
import type { ProspectWithContext } from '../../../src/upstream/types.js';
import { UpdateProspectContextDocument, WrittenProspectByIdDocument } from '../../generated/graphql.js';
import { useHarness } from '../../support/harness.js';
import {
  demoTeam,
  expectRefused,
  expectUpstreamError,
  globalId,
  mutate,
  writesOf,
} from '../../support/mutations.js';

const harness = useHarness();

const UPDATE = UpdateProspectContextDocument;
const READ = WrittenProspectByIdDocument;

/** A prospect the team has met: it has an Inbox id. */
type KnownProspect = ProspectWithContext & { externalId: string };

const taken = new Set<string>();
function aProspect(predicate: (prospect: ProspectWithContext) => boolean): KnownProspect {
  const team = demoTeam(harness);
  const found = team.prospects.find(
    (prospect): prospect is KnownProspect =>
      prospect.externalId !== null &&
      prospect.platform === 'twitter' &&
      !taken.has(prospect.platformId) &&
      team.threadsOf(prospect.externalId).length > 0 &&
      predicate(prospect),
  );
  if (!found) throw new Error('the seed has no such prospect');
  taken.add(found.platformId);
  return found;
}
const prospectId = (prospect: ProspectWithContext) => globalId('Prospect', `twitter:${prospect.platformId}`);

describe('updateProspectContext', () => {
  it('adds tags, sets notes and valuation, clears the status; later reads agree', async () => {
    const team = demoTeam(harness);
    const prospect = aProspect((candidate) => candidate.context.statusId !== null);
    const newTags = team.tags.filter((tag) => !prospect.context.tags.includes(tag.id)).slice(0, 2);
    const data = await mutate(harness, UPDATE, {
      input: {
        id: prospectId(prospect),
        addTagIds: newTags.map((tag) => globalId('Tag', tag.id)),
        notes: 'Met at the conference',
        valuation: 12_500.5,
        statusId: null,
      },
    });
    // The simulator holds what the REST API now serves.
    expect(prospect.context).toMatchObject({
      notes: 'Met at the conference',
      valuation: 12_500.5,
      statusId: null,
    });
    const expectedTags = prospect.context.tags.map((id) => {
      const tag = team.tags.find((candidate) => candidate.id === id);
      return { id: globalId('Tag', id), name: tag?.name };
    });
    expect(expectedTags.map((tag) => tag.id)).toEqual(
      expect.arrayContaining(newTags.map((tag) => globalId('Tag', tag.id))),
    );
    const changed = data.updateProspectContext.prospect;
    expect(changed).toMatchObject({
      id: prospectId(prospect),
      inboxId: prospect.externalId,
      notes: 'Met at the conference',
      valuation: 12_500.5,
      tags: expectedTags,
      status: null,
    });
    const read = await mutate(harness, READ, { id: prospect.externalId });
    expect(read.prospect).toEqual(changed);
  });

  it('takes the raw Inbox id too; an absent field is kept, `statusId` sets the status', async () => {
    const team = demoTeam(harness);
    const prospect = aProspect((candidate) => candidate.context.notes !== null);
    const status = team.statuses[2];
    if (!status) throw new Error('no status');
    const notes = prospect.context.notes;
    const data = await mutate(harness, UPDATE, {
      input: { id: prospect.externalId, statusId: status.id },
    });
    expect(data.updateProspectContext.prospect).toMatchObject({
      notes,
      status: { id: globalId('Status', status.id), name: status.name },
    });
    expect(prospect.context).toMatchObject({ notes, statusId: status.id });
    // A raw id needs no lookup: one write, then no other call for the fields already in the answer. (The
    // answer lists the prospect's threads, at most one per account link: the budget's verdict needs their
    // count first, read once and cached.)
    const afterCount = harness.simulator.calls.filter((call) => call.path !== '/account-links');
    expect(afterCount[0]).toMatchObject({
      method: 'PATCH',
      path: `/prospects/${prospect.externalId}/context`,
    });
  });

  it('`removeTagIds` removes, `notes: null` clears', async () => {
    const prospect = aProspect(
      (candidate) => candidate.context.tags.length >= 2 && candidate.context.notes !== null,
    );
    const [removed = '', kept = ''] = prospect.context.tags;
    const data = await mutate(harness, UPDATE, {
      input: { id: prospectId(prospect), removeTagIds: [removed], notes: null },
    });
    expect(prospect.context.tags).not.toContain(removed);
    expect(data.updateProspectContext.prospect?.tags?.map((tag) => tag.id)).toContain(globalId('Tag', kept));
    expect(data.updateProspectContext.prospect?.tags?.map((tag) => tag.id)).not.toContain(
      globalId('Tag', removed),
    );
    expect(data.updateProspectContext.prospect?.notes).toBeNull();
  });

  it('`done` and `assigneeId` fan out to every thread of the prospect, and the payload shows it', async () => {
    const team = demoTeam(harness);
    const prospect = aProspect(
      (candidate) =>
        team.threadsOf(candidate.externalId ?? '').length === 2 &&
        team.threadsOf(candidate.externalId ?? '').some((thread) => !thread.done),
    );
    const member = team.members[2];
    if (!member) throw new Error('no member');
    const data = await mutate(harness, UPDATE, {
      input: { id: prospectId(prospect), done: true, assigneeId: globalId('Member', member.id) },
    });
    const threads = team.threadsOf(prospect.externalId ?? '');
    expect(threads.every((thread) => thread.done && thread.assigneeId === member.id)).toBe(true);
    expect(data.updateProspectContext.prospect?.threads).toEqual(
      expect.arrayContaining(
        threads.map((thread) => ({ inboxId: thread.id, done: true, assignee: { inboxId: member.id } })),
      ),
    );
    expect(data.updateProspectContext.prospect?.threads).toHaveLength(2);
    // Unassigning fans out the same way.
    const cleared = await mutate(harness, UPDATE, {
      input: { id: prospectId(prospect), assigneeId: null, done: false },
    });
    expect(
      cleared.updateProspectContext.prospect?.threads?.map((thread) => [thread.done, thread.assignee]),
    ).toEqual([
      [false, null],
      [false, null],
    ]);
  });

  it.each([
    [{ id: 'not-an-id' }, 'input.id'],
    [{ id: 'abc', addTagIds: ['tag1'], removeTagIds: [globalId('Tag', 'tag1')] }, 'input.removeTagIds'],
    [{ id: 'abc', addTagIds: null }, 'input.addTagIds'],
    [{ id: 'abc', assigneeId: '' }, 'input.assigneeId'],
    [{ id: 'abc', done: null }, 'input.done'],
  ])('refuses %j before any upstream call (%s)', async (input, field) => {
    await expectRefused(harness, UPDATE, { input }, field);
    expect(harness.simulator.calls).toEqual([]);
  });

  it('a Prospect global id of someone the team does not know is NOT_FOUND without a write', async () => {
    const { body } = await harness.graphql(UPDATE, {
      variables: { input: { id: globalId('Prospect', 'twitter:1999999999999999999'), notes: 'x' } },
    });
    expect(body.data).toEqual({ updateProspectContext: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
    expect(writesOf(harness)).toEqual([]);
  });

  it('an unknown tag is the upstream’s 422: BAD_USER_INPUT with its message, nothing changed', async () => {
    const prospect = aProspect(() => true);
    const before = structuredClone(prospect.context);
    const { body } = await harness.graphql(UPDATE, {
      variables: {
        input: { id: prospect.externalId, notes: 'changed', addTagIds: ['zzzzzzzzzzzzzzzzzzzzzzzz'] },
      },
    });
    const error = expectUpstreamError(body, 'BAD_USER_INPUT', 422, 'PATCH');
    expect(error?.message).toContain('zzzzzzzzzzzzzzzzzzzzzzzz');
    expect(prospect.context).toEqual(before);
  });
});
