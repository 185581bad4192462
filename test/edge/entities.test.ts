import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { useHarness } from '../support/harness.js';
import { teamOf } from '../support/live.js';

/** Representations a router would never send: each is the caller's mistake, refused on its own. */

const harness = useHarness({ transport: 'http' });

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { __typename ... on Team { name } }
}`;

/** pino's level for `error` and above. */
const ERROR_LEVEL = 50;
const errorLines = () =>
  harness.logLines.filter((line) => (JSON.parse(line) as { level: number }).level >= ERROR_LEVEL);

describe('`_entities` refuses representations that name no entity type, as BAD_USER_INPUT', () => {
  it.each([
    ['a type name in the wrong case', { __typename: 'thread', id: 'x' }],
    ['a type that is not an entity', { __typename: 'Query' }],
    ['an object type without a key', { __typename: 'PageInfo' }],
    ['an interface', { __typename: 'Node', id: 'x' }],
    ['a federation type', { __typename: '_Service' }],
    ['a name that is not a string', { __typename: 5 }],
    ['no __typename', { id: 'x' }],
    ['a string', 'Thread'],
    ['a list', [{ __typename: 'Team' }]],
  ])(
    '%s: its item is null with BAD_USER_INPUT, the others resolve, nothing is logged at error level',
    async (_label, representation) => {
      const team = teamOf(harness).team;
      const { status, body } = await harness.graphql<{ _entities: Array<{ name?: string } | null> }>(
        ENTITIES,
        {
          variables: { representations: [{ __typename: 'Team', inboxId: team.id }, representation] },
        },
      );
      expect(status).toBe(200);
      expect(body.data?._entities).toEqual([{ __typename: 'Team', name: team.name }, null]);
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]?.path).toEqual(['_entities', 1]);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(errorLines()).toEqual([]);
      // Only the valid one was read (GET /team); the refused one cost nothing.
      expect(harness.simulator.calls.map((call) => call.path)).toEqual(['/team']);
    },
  );

  it('without a token too: every refused item is BAD_USER_INPUT, with no stack trace in the logs', async () => {
    const { body } = await harness.graphql(ENTITIES, {
      token: null,
      variables: { representations: [{ __typename: 'thread' }, { __typename: 'message', id: 'y' }] },
    });
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.js/);
    expect(errorLines()).toEqual([]);
    expect(harness.simulator.calls).toEqual([]);
  });

  it('a valid representation alone still resolves (the guard is transparent)', async () => {
    const team = teamOf(harness, DEMO_TOKEN).team;
    const { body } = await harness.graphql(ENTITIES, {
      variables: { representations: [{ __typename: 'Team', inboxId: team.id }] },
    });
    expect(body.data).toEqual({ _entities: [{ __typename: 'Team', name: team.name }] });
  });
});
