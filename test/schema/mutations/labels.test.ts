import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { describe, expect, it } from 'vitest';
import {
  CreateColorlessStatusAndPlainTagDocument,
  CreateStatusDocument,
  CreateTagDocument,
  type CreateTagMutationVariables,
  DeleteStatusDocument,
  DeleteTagDocument,
  type DeleteTagMutationVariables,
  ProspectTagIdsDocument,
  StatusByIdDocument,
  StatusListDocument,
  TagByIdDocument,
  type TagByIdQueryVariables,
  TagListDocument,
  type TagListQueryVariables,
  UpdateStatusDocument,
  UpdateTagDocument,
  type UpdateTagMutationVariables,
} from '../../generated/graphql.js';
import { useHarness } from '../../support/harness.js';
import {
  demoTeam,
  expectRefused,
  expectUpstreamError,
  globalId,
  mutate,
  writesOf,
} from '../../support/mutations.js';

// The cross-request collection cache stays on (its default TTL): later reads must still see each write.
const harness = useHarness({ config: { COLLECTION_CACHE_TTL_MS: '600000' } });

const callsTo = (method: string, path: string) =>
  harness.simulator.calls.filter((call) => call.method === method && call.path === path);

/** A label kind (tags or statuses): its typed operations, and how to read each result. */
interface LabelKind<TCreate, TUpdate, TDelete, TList, TRead> {
  kind: string;
  type: 'Tag' | 'Status';
  plural: 'tags' | 'statuses';
  /** The labels the simulator holds. */
  list: () => Array<{ id: string; name: string; color: string | null }>;
  CREATE: TypedDocumentNode<TCreate, CreateTagMutationVariables>;
  UPDATE: TypedDocumentNode<TUpdate, UpdateTagMutationVariables>;
  DELETE: TypedDocumentNode<TDelete, DeleteTagMutationVariables>;
  LIST: TypedDocumentNode<TList, TagListQueryVariables>;
  READ: TypedDocumentNode<TRead, TagByIdQueryVariables>;
  /** The mutation field of DELETE. */
  removeField: string;
  created: (data: TCreate) => unknown;
  updated: (data: TUpdate) => unknown;
  listed: (data: TList) => Array<{ id: string }>;
  read: (data: TRead) => unknown;
}

describeLabelWrites({
  kind: 'tag',
  type: 'Tag',
  plural: 'tags',
  list: () => demoTeam(harness).tags,
  CREATE: CreateTagDocument,
  UPDATE: UpdateTagDocument,
  DELETE: DeleteTagDocument,
  LIST: TagListDocument,
  READ: TagByIdDocument,
  removeField: 'deleteTag',
  created: (data) => data.createTag?.tag,
  updated: (data) => data.updateTag?.tag,
  listed: (data) => data.tags ?? [],
  read: (data) => data.tag,
});

describeLabelWrites({
  kind: 'status',
  type: 'Status',
  plural: 'statuses',
  list: () => demoTeam(harness).statuses,
  CREATE: CreateStatusDocument,
  UPDATE: UpdateStatusDocument,
  DELETE: DeleteStatusDocument,
  LIST: StatusListDocument,
  READ: StatusByIdDocument,
  removeField: 'deleteStatus',
  created: (data) => data.createStatus?.status,
  updated: (data) => data.updateStatus?.status,
  listed: (data) => data.statuses ?? [],
  read: (data) => data.status,
});

function describeLabelWrites<TCreate, TUpdate, TDelete, TList, TRead>(
  kind: LabelKind<TCreate, TUpdate, TDelete, TList, TRead>,
) {
  const { type, plural, list, CREATE, UPDATE, DELETE, LIST, READ } = kind;
  describe(`${kind.kind} writes`, () => {
    it(`create, then \`${plural}\` in a later request lists it although the collection was cached`, async () => {
      // Warm the cross-request cache, and show it serves the next read without a call.
      await mutate(harness, LIST, {});
      harness.simulator.resetCalls();
      await mutate(harness, LIST, {});
      expect(callsTo('GET', `/${plural}`)).toEqual([]);

      const data = await mutate(harness, CREATE, { input: { name: `Hot lead ${type}`, color: 'red' } });
      const stored = list().find((label) => label.name === `Hot lead ${type}`);
      expect(stored).toMatchObject({ color: 'red' });
      expect(kind.created(data)).toEqual({
        id: globalId(type, stored?.id ?? ''),
        inboxId: stored?.id,
        name: `Hot lead ${type}`,
        color: 'red',
      });
      const after = kind.listed(await mutate(harness, LIST, {}));
      expect(after).toEqual(
        list().map((label) => ({ id: globalId(type, label.id), name: label.name, color: label.color })),
      );
      expect(after).toContainEqual({
        id: globalId(type, stored?.id ?? ''),
        name: `Hot lead ${type}`,
        color: 'red',
      });
      // Creating it again is a conflict the upstream reports; nothing is created.
      const count = list().length;
      const { body } = await harness.graphql(CREATE, { variables: { input: { name: `Hot lead ${type}` } } });
      expectUpstreamError(body, 'CONFLICT', 409, 'POST');
      expect(body.errors?.[0]?.extensions?.upstream).toMatchObject({ status: 409 });
      expect(list()).toHaveLength(count);
    });

    it('a duplicate name is CONFLICT with the upstream 409', async () => {
      const existing = list()[0];
      if (!existing) throw new Error('no label');
      const { body } = await harness.graphql(CREATE, {
        variables: { input: { name: existing.name.toUpperCase() } },
      });
      const error = expectUpstreamError(body, 'CONFLICT', 409, 'POST');
      expect(error?.extensions?.upstream).toMatchObject({ status: 409, path: `/${plural}` });
      expect(error?.message).toContain(existing.name.toUpperCase());
    });

    it('a failed write is not retried', async () => {
      harness.simulator.injectFault({ kind: 'status', status: 503, method: 'POST', path: `/${plural}` });
      const { body } = await harness.graphql(CREATE, { variables: { input: { name: `Never ${type}` } } });
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
      expect(callsTo('POST', `/${plural}`)).toHaveLength(1);
      expect(list().some((label) => label.name === `Never ${type}`)).toBe(false);
    });

    it.each([
      [{ name: '' }, 'input.name'],
      [{ name: '   ' }, 'input.name'],
      [{ name: 'n'.repeat(256) }, 'input.name'],
      [{ name: 'Fine', color: 'not a color!' }, 'input.color'],
      [{ name: 'Fine', color: '#12345' }, 'input.color'],
    ])('create refuses %j before any upstream write (%s)', async (input, field) => {
      await expectRefused(harness, CREATE, { input }, field);
    });

    it('a color name outside the palette is refused after reading the palette, never written', async () => {
      harness.clearCollectionCache();
      const error = await expectRefused(
        harness,
        CREATE,
        { input: { name: 'Fine', color: 'chartreuse' } },
        'input.color',
      );
      expect(harness.simulator.calls.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /colors']);
      // The message lists the palette the team can use.
      const palette = await (
        await fetch(`${harness.simulator.url}/colors`, { headers: { authorization: 'Bearer demo-token' } })
      ).json();
      for (const { name } of palette as Array<{ name: string }>) expect(error?.message).toContain(name);
    });

    it('accepts hex colors in both lengths and names from the palette', async () => {
      for (const color of ['#0af', '#00AAFF', 'teal']) {
        await mutate(harness, CREATE, { input: { name: `Color ${color} ${type}`, color } });
        expect(list().find((label) => label.name === `Color ${color} ${type}`)?.color).toBe(color);
      }
    });

    it('update renames and recolors; `tag(id)`/`status(id)` in a later request reads the new values', async () => {
      const label = list()[1];
      if (!label) throw new Error('no label');
      const id = globalId(type, label.id);
      const data = await mutate(harness, UPDATE, {
        input: { id, name: `Renamed ${type}`, color: '#123456' },
      });
      expect(kind.updated(data)).toEqual({
        id,
        inboxId: label.id,
        name: `Renamed ${type}`,
        color: '#123456',
      });
      const read = await mutate(harness, READ, { id: label.id });
      expect(kind.read(read)).toEqual({ id, name: `Renamed ${type}`, color: '#123456' });
    });

    it.each([
      [{ id: 'abc', name: null }, 'input.name'],
      [{ id: 'abc', name: '' }, 'input.name'],
      [{ id: 'abc', color: 'rgb(1,2,3)' }, 'input.color'],
    ])('update refuses %j before any upstream write (%s)', async (input, field) => {
      await expectRefused(harness, UPDATE, { input }, field);
    });

    it('renaming to a name in use is CONFLICT', async () => {
      const [first, second] = list();
      if (!first || !second) throw new Error('too few labels');
      const { body } = await harness.graphql(UPDATE, {
        variables: { input: { id: first.id, name: second.name } },
      });
      expectUpstreamError(body, 'CONFLICT', 409, 'PATCH');
      expect(list()[0]?.name).toBe(first.name);
    });

    it('delete returns the global id; later reads no longer list it; deleting again is NOT_FOUND', async () => {
      // A seeded label, so the cached collection holds it.
      const label = list()[2];
      if (!label) throw new Error('no label');
      const before = kind.listed(await mutate(harness, LIST, {}));
      expect(before.map((item) => item.id)).toContain(globalId(type, label.id));
      const data = await mutate(harness, DELETE, { input: { id: globalId(type, label.id) } });
      expect(data).toEqual({ [kind.removeField]: { deletedId: globalId(type, label.id) } });
      const after = kind.listed(await mutate(harness, LIST, {}));
      expect(after.map((item) => item.id)).not.toContain(globalId(type, label.id));
      const { body } = await harness.graphql(DELETE, { variables: { input: { id: label.id } } });
      expectUpstreamError(body, 'NOT_FOUND', 404, 'DELETE');
    });

    it('delete refuses an id that is not an id before any upstream write', async () => {
      await expectRefused(harness, DELETE, { input: { id: 'a b' } }, 'input.id');
      expect(writesOf(harness)).toEqual([]);
    });
  });
}

describe('tag and status details', () => {
  it('a status created without a color has none; a tag gets the upstream default', async () => {
    const data = await mutate(harness, CreateColorlessStatusAndPlainTagDocument, {});
    expect(data.createStatus.status?.color).toBeNull();
    expect(data.createTag.tag?.color).toBe(demoTeam(harness).tags.find((tag) => tag.name === 'Plain')?.color);
  });

  it('deleting a tag removes it from prospects: their next read shows it gone', async () => {
    const team = demoTeam(harness);
    const prospect = team.prospects.find(
      (candidate) => candidate.context.tags.length > 0 && candidate.externalId,
    );
    if (!prospect?.externalId) throw new Error('the seed has tagged prospects');
    const tagId = prospect.context.tags[0] ?? '';
    const tagIds = async () =>
      (await mutate(harness, ProspectTagIdsDocument, { id: prospect.externalId ?? '' })).prospect?.tags?.map(
        (tag) => tag.inboxId,
      );
    expect(await tagIds()).toContain(tagId);
    await mutate(harness, DeleteTagDocument, { input: { id: tagId } });
    const after = await tagIds();
    expect(after).toEqual(prospect.context.tags);
    expect(after).not.toContain(tagId);
  });
});
