import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness.js';
import {
  demoTeam,
  expectRefused,
  expectUpstreamError,
  globalId,
  mutate,
  writesOf,
} from './support/mutations.js';

// The cross-request collection cache stays on (its default TTL): later reads must still see each write.
const harness = useHarness({ config: { COLLECTION_CACHE_TTL_MS: '600000' } });

const callsTo = (method: string, path: string) =>
  harness.simulator.calls.filter((call) => call.method === method && call.path === path);

const kinds = [
  {
    kind: 'tag',
    type: 'Tag',
    plural: 'tags',
    create: 'createTag(input: $input) { tag { id inboxId name color } }',
    update: 'updateTag(input: $input) { tag { id inboxId name color } }',
    remove: 'deleteTag(input: $input) { deletedId }',
    createInput: 'CreateTagInput',
    updateInput: 'UpdateTagInput',
    list: () => demoTeam(harness).tags,
    payload: (data: Record<string, { tag?: unknown; status?: unknown }>) =>
      data.createTag?.tag ?? data.updateTag?.tag,
  },
  {
    kind: 'status',
    type: 'Status',
    plural: 'statuses',
    create: 'createStatus(input: $input) { status { id inboxId name color } }',
    update: 'updateStatus(input: $input) { status { id inboxId name color } }',
    remove: 'deleteStatus(input: $input) { deletedId }',
    createInput: 'CreateStatusInput',
    updateInput: 'UpdateStatusInput',
    list: () => demoTeam(harness).statuses,
    payload: (data: Record<string, { tag?: unknown; status?: unknown }>) =>
      data.createStatus?.status ?? data.updateStatus?.status,
  },
] as const;

describe.each(kinds)(
  '$kind writes',
  ({ type, plural, create, update, remove, createInput, updateInput, list, payload }) => {
    const CREATE = `mutation($input: ${createInput}!) { ${create} }`;
    const UPDATE = `mutation($input: ${updateInput}!) { ${update} }`;
    const DELETE = `mutation($input: DeleteInput!) { ${remove} }`;
    const LIST = `{ ${plural} { id name color } }`;

    it(`create, then \`${plural}\` in a later request lists it although the collection was cached`, async () => {
      // Warm the cross-request cache, and show it serves the next read without a call.
      await mutate(harness, LIST);
      harness.simulator.resetCalls();
      await mutate(harness, LIST);
      expect(callsTo('GET', `/${plural}`)).toEqual([]);

      const data = await mutate<Record<string, { tag?: unknown; status?: unknown }>>(harness, CREATE, {
        input: { name: `Hot lead ${type}`, color: 'red' },
      });
      const stored = list().find((label) => label.name === `Hot lead ${type}`);
      expect(stored).toMatchObject({ color: 'red' });
      expect(payload(data)).toEqual({
        id: globalId(type, stored?.id ?? ''),
        inboxId: stored?.id,
        name: `Hot lead ${type}`,
        color: 'red',
      });
      const after = await mutate<Record<string, unknown[]>>(harness, LIST);
      expect(after[plural]).toEqual(
        list().map((label) => ({ id: globalId(type, label.id), name: label.name, color: label.color })),
      );
      expect(after[plural]).toContainEqual({
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
      const { body } = await harness.graphql(CREATE, {
        variables: { input: { name: existing?.name.toUpperCase() } },
      });
      const error = expectUpstreamError(body, 'CONFLICT', 409, 'POST');
      expect(error?.extensions?.upstream).toMatchObject({ status: 409, path: `/${plural}` });
      expect(error?.message).toContain(existing?.name.toUpperCase());
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
      harness.facade.sharedCache.clear();
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
      const data = await mutate<Record<string, { tag?: unknown; status?: unknown }>>(harness, UPDATE, {
        input: { id, name: `Renamed ${type}`, color: '#123456' },
      });
      expect(payload(data)).toEqual({ id, inboxId: label.id, name: `Renamed ${type}`, color: '#123456' });
      const read = await mutate<Record<string, unknown>>(
        harness,
        `query($id: ID!) { ${type.toLowerCase()}(id: $id) { id name color } }`,
        { id: label.id },
      );
      expect(read[type.toLowerCase()]).toEqual({ id, name: `Renamed ${type}`, color: '#123456' });
    });

    it.each([
      [{ id: 'abc', name: null }, 'input.name'],
      [{ id: 'abc', name: '' }, 'input.name'],
      [{ id: 'abc', color: 'rgb(1,2,3)' }, 'input.color'],
      [{ id: globalId('Member', 'abc') }, 'input.id'],
    ])('update refuses %j before any upstream write (%s)', async (input, field) => {
      await expectRefused(harness, UPDATE, { input }, field);
    });

    it('renaming to a name in use is CONFLICT', async () => {
      const [first, second] = list();
      const { body } = await harness.graphql(UPDATE, {
        variables: { input: { id: first?.id, name: second?.name } },
      });
      expectUpstreamError(body, 'CONFLICT', 409, 'PATCH');
      expect(list()[0]?.name).toBe(first?.name);
    });

    it('delete returns the global id; later reads no longer list it; deleting again is NOT_FOUND', async () => {
      // A seeded label, so the cached collection holds it.
      const label = list()[2];
      if (!label) throw new Error('no label');
      const before = await mutate<Record<string, Array<{ id: string }>>>(harness, LIST);
      expect(before[plural]?.map((item) => item.id)).toContain(globalId(type, label.id));
      const data = await mutate(harness, DELETE, { input: { id: globalId(type, label.id) } });
      expect(data).toEqual({ [remove.split('(')[0] as string]: { deletedId: globalId(type, label.id) } });
      const after = await mutate<Record<string, Array<{ id: string }>>>(harness, LIST);
      expect(after[plural]?.map((item) => item.id)).not.toContain(globalId(type, label.id));
      const { body } = await harness.graphql(DELETE, { variables: { input: { id: label.id } } });
      expectUpstreamError(body, 'NOT_FOUND', 404, 'DELETE');
    });

    it('delete refuses an id that is not an id before any upstream write', async () => {
      await expectRefused(harness, DELETE, { input: { id: 'a b' } }, 'input.id');
      expect(writesOf(harness)).toEqual([]);
    });
  },
);

describe('tag and status details', () => {
  it('a status created without a color has none; a tag gets the upstream default', async () => {
    const data = await mutate<{
      createStatus: { status: { color: string | null } };
      createTag: { tag: { color: string } };
    }>(
      harness,
      'mutation { createStatus(input: { name: "Colorless" }) { status { color } } createTag(input: { name: "Plain" }) { tag { color } } }',
    );
    expect(data.createStatus.status.color).toBeNull();
    expect(data.createTag.tag.color).toBe(demoTeam(harness).tags.find((tag) => tag.name === 'Plain')?.color);
  });

  it('deleting a tag removes it from prospects: their next read shows it gone', async () => {
    const team = demoTeam(harness);
    const prospect = team.prospects.find(
      (candidate) => candidate.context.tags.length > 0 && candidate.externalId,
    );
    const tagId = prospect?.context.tags[0] ?? '';
    const READ = 'query($id: ID!) { prospect(id: $id) { tags { inboxId } } }';
    const before = await mutate<{ prospect: { tags: Array<{ inboxId: string }> } }>(harness, READ, {
      id: prospect?.externalId,
    });
    expect(before.prospect.tags.map((tag) => tag.inboxId)).toContain(tagId);
    await mutate(harness, 'mutation($id: ID!) { deleteTag(input: { id: $id }) { deletedId } }', {
      id: tagId,
    });
    const after = await mutate<{ prospect: { tags: Array<{ inboxId: string }> } }>(harness, READ, {
      id: prospect?.externalId,
    });
    expect(after.prospect.tags.map((tag) => tag.inboxId)).toEqual(prospect?.context.tags);
    expect(after.prospect.tags.map((tag) => tag.inboxId)).not.toContain(tagId);
  });
});
