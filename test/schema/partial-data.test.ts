import { describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';
import { demoTeam, writesOf } from '../support/mutations.js';

/**
 * Every Query and Mutation field is nullable, as is every nested field that needs an upstream call of its
 * own: one failing call loses only the field that needed it, never its siblings, the rest of a page, or a
 * write that already happened in the same operation.
 */
const harness = useHarness({ config: { INBOX_MAX_RETRIES: '0' } });

describe('partial data survives a failing upstream call', () => {
  it('a failing thread list keeps the team beside it', async () => {
    harness.simulator.injectFault({ kind: 'status', status: 500, path: '/threads', times: Infinity });
    const { status, body } = await harness.graphql(
      '{ team { id name } threads(first: 5) { edges { node { id } } } }',
    );
    expect(status).toBe(200);
    expect(body.data?.team).toMatchObject({ name: demoTeam(harness).team.name });
    expect(body.data?.threads).toBeNull();
    expect(body.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['threads'], 'UPSTREAM_ERROR'],
    ]);
  });

  it('a failing Thread.messages loses that thread’s messages only: the other threads of the page stay', async () => {
    const query =
      '{ threads(first: 5) { edges { node { id inboxId messages(first: 1) { edges { node { id } } } } } } }';
    const before = await harness.graphql<{
      threads: { edges: Array<{ node: { inboxId: string; messages: unknown } }> };
    }>(query);
    const rows = before.body.data?.threads.edges ?? [];
    expect(rows).toHaveLength(5);
    const failing = rows[1]?.node.inboxId;
    harness.simulator.injectFault({
      kind: 'status',
      status: 500,
      path: `/threads/${failing}/messages`,
      times: Infinity,
    });
    harness.facade.responseCache.clear();
    const { body } = await harness.graphql<typeof before.body.data>(query);
    const after = body.data?.threads.edges ?? [];
    expect(after.map((edge) => edge.node.inboxId)).toEqual(rows.map((edge) => edge.node.inboxId));
    expect(after[1]?.node.messages).toBeNull();
    expect(after.filter((edge) => edge.node.messages !== null)).toHaveLength(4);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.path).toEqual(['threads', 'edges', 1, 'node', 'messages']);
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
  });

  it('a refused second write keeps the first one’s result: the client learns the tag was created', async () => {
    const name = `partial-${Date.now()}`;
    const { body } = await harness.graphql(
      `mutation($input: CreateTagInput!) {
        a: createTag(input: $input) { tag { id name } }
        b: createTag(input: $input) { tag { id name } }
      }`,
      { variables: { input: { name } } },
    );
    const created = demoTeam(harness).tags.find((tag) => tag.name === name);
    expect(created).toBeDefined();
    expect(body.data).toEqual({ a: { tag: { id: expect.any(String), name } }, b: null });
    expect(body.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['b'], 'CONFLICT']]);
    expect(writesOf(harness).map((call) => call.method)).toEqual(['POST', 'POST']);
  });
});
