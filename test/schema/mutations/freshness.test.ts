import { describe, expect, it } from 'vitest';
import type { Thread } from '../../../src/upstream/types.js';
import {
  CreateTagDocument,
  DeleteTagDocument,
  ProspectTagsAroundTagRenameDocument,
  TagIdsAndNamesDocument,
  TagIdsDocument,
  ThreadAroundProspectArchiveDocument,
} from '../../generated/graphql.js';
import { useHarness } from '../../support/harness.js';
import { demoTeam, globalId, mutate } from '../../support/mutations.js';

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
    const data = await mutate(harness, ThreadAroundProspectArchiveDocument, {
      thread: globalId('Thread', thread.id),
      prospect: thread.prospect.externalId ?? '',
    });
    expect(data.before.thread).toEqual({ done: false });
    expect(data.after.thread).toEqual({ done: true, typingIndicatorsEnabled: false });
    // The thread was read twice: once for each payload, the second time after the archive.
    expect(harness.simulator.calls.filter((call) => call.path === `/threads/${thread.id}`)).toHaveLength(2);
  });

  it('tags read before a rename show the new name after it, even though the collection is cached', async () => {
    const team = demoTeam(harness);
    const prospect = team.prospects.find(
      (candidate) => candidate.externalId && candidate.context.tags.length > 0,
    );
    if (!prospect?.externalId) throw new Error('the seed has tagged prospects');
    const tagId = prospect.context.tags[0] ?? '';
    const data = await mutate(harness, ProspectTagsAroundTagRenameDocument, {
      prospect: prospect.externalId,
      tag: tagId,
    });
    const nameIn = (payload: typeof data.first) =>
      payload.prospect?.tags?.find((tag) => tag.inboxId === tagId)?.name;
    expect(nameIn(data.first)).not.toBe('Renamed in the same request');
    expect(nameIn(data.second)).toBe('Renamed in the same request');
  });
});

describe('in later requests, with the collection cache on', () => {
  it('createTag, then `tags` lists the new tag; deleteTag, then it is gone', async () => {
    await mutate(harness, TagIdsDocument, {});
    const created = await mutate(harness, CreateTagDocument, { input: { name: 'Fresh tag', color: '#0f0' } });
    const createdId = created.createTag.tag?.id ?? '';
    const after = await mutate(harness, TagIdsAndNamesDocument, {});
    expect(after.tags).toContainEqual({ id: createdId, name: 'Fresh tag' });
    await mutate(harness, DeleteTagDocument, { input: { id: createdId } });
    const gone = await mutate(harness, TagIdsDocument, {});
    expect(gone.tags.map((tag) => tag.id)).not.toContain(createdId);
    expect(gone.tags.map((tag) => tag.id)).toEqual(
      demoTeam(harness).tags.map((tag) => globalId('Tag', tag.id)),
    );
  });
});
