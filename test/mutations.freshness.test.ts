import { describe, expect, it } from 'vitest';
import type { Thread } from '../src/inbox/types.js';
import { useHarness } from './support/harness.js';
import { demoTeam, globalId, mutate } from './support/mutations.js';

/**
 * Fresh reads after writes: within one operation (mutation fields run one after another, each seeing what
 * the previous ones wrote) and across requests with the cross-request collection cache on.
 */
const harness = useHarness({ config: { COLLECTION_CACHE_TTL_MS: '600000' } });

function threadWithOpenProspect(): Thread {
  const team = demoTeam(harness);
  const thread = team.threads.find(
    (candidate) =>
      !candidate.done &&
      candidate.platform === 'twitter' &&
      team.threadsOf(candidate.prospect.externalId ?? '').every((sibling) => !sibling.done),
  );
  if (!thread) throw new Error('no open thread');
  return thread;
}

describe('within one request', () => {
  it('a thread read before a write is read again after it', async () => {
    const thread = threadWithOpenProspect();
    const data = await mutate<Record<string, { thread?: { done: boolean }; prospect?: unknown }>>(
      harness,
      `mutation($thread: ID!, $prospect: ID!) {
        before: updateThreadSettings(input: { threadId: $thread, typingIndicatorsEnabled: true }) { thread { done } }
        archive: updateProspectContext(input: { id: $prospect, done: true }) { prospect { id } }
        after: updateThreadSettings(input: { threadId: $thread, typingIndicatorsEnabled: false }) {
          thread { done typingIndicatorsEnabled }
        }
      }`,
      { thread: globalId('Thread', thread.id), prospect: thread.prospect.externalId },
    );
    expect(data.before?.thread).toEqual({ done: false });
    expect(data.after?.thread).toEqual({ done: true, typingIndicatorsEnabled: false });
    // The thread was read twice: once for each payload, the second time after the archive.
    expect(harness.simulator.calls.filter((call) => call.path === `/threads/${thread.id}`)).toHaveLength(2);
  });

  it('tags read before a rename show the new name after it, even though the collection is cached', async () => {
    const team = demoTeam(harness);
    const prospect = team.prospects.find(
      (candidate) => candidate.externalId && candidate.context.tags.length > 0,
    );
    const tagId = prospect?.context.tags[0] ?? '';
    const TAGS = 'prospect { tags { inboxId name } }';
    const data = await mutate<
      Record<string, { prospect?: { tags: Array<{ inboxId: string; name: string }> } }>
    >(
      harness,
      `mutation($prospect: ID!, $tag: ID!) {
        first: updateProspectContext(input: { id: $prospect, notes: "first" }) { ${TAGS} }
        rename: updateTag(input: { id: $tag, name: "Renamed in the same request" }) { tag { name } }
        second: updateProspectContext(input: { id: $prospect, notes: "second" }) { ${TAGS} }
      }`,
      { prospect: prospect?.externalId, tag: tagId },
    );
    const nameIn = (field: string) => data[field]?.prospect?.tags.find((tag) => tag.inboxId === tagId)?.name;
    expect(nameIn('first')).not.toBe('Renamed in the same request');
    expect(nameIn('second')).toBe('Renamed in the same request');
  });
});

describe('in later requests, with the collection cache on', () => {
  it('createTag, then `tags` lists the new tag; deleteTag, then it is gone', async () => {
    await mutate(harness, '{ tags { id } }');
    const created = await mutate<{ createTag: { tag: { id: string } } }>(
      harness,
      'mutation { createTag(input: { name: "Fresh tag", color: "#0f0" }) { tag { id } } }',
    );
    const after = await mutate<{ tags: Array<{ id: string; name: string }> }>(
      harness,
      '{ tags { id name } }',
    );
    expect(after.tags).toContainEqual({ id: created.createTag.tag.id, name: 'Fresh tag' });
    await mutate(harness, 'mutation($id: ID!) { deleteTag(input: { id: $id }) { deletedId } }', {
      id: created.createTag.tag.id,
    });
    const gone = await mutate<{ tags: Array<{ id: string }> }>(harness, '{ tags { id } }');
    expect(gone.tags.map((tag) => tag.id)).not.toContain(created.createTag.tag.id);
    expect(gone.tags.map((tag) => tag.id)).toEqual(
      demoTeam(harness).tags.map((tag) => globalId('Tag', tag.id)),
    );
  });
});
