import { type ConstDirectiveNode, Kind, parse, print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN, type TeamState } from '../../simulator/src/index.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import { printedSchemas } from '../../src/schema/print.js';
import { useHarness } from '../support/harness.js';

/** What a router sends to resolve references: one `_entities` call with every representation. */
const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on Team { inboxId name }
      ... on Member { inboxId email }
      ... on AccountLink { inboxId username }
      ... on Tag { inboxId name }
      ... on Status { inboxId name }
      ... on Thread { inboxId prospect { platformId } }
      ... on Prospect { platform platformId displayName }
      ... on Message { inboxId content }
      ... on Campaign { inboxId name }
    }
  }
`;

type Representation = Record<string, unknown> & { __typename: string };
type Entity = Record<string, unknown> & { __typename: string };

// Collections come from the upstream in each test (the harness clears the cache), so the calls counted are its own.
const harness = useHarness();
let acme: TeamState;
beforeAll(() => {
  const state = harness.simulator.store.teamByToken(DEMO_TOKEN);
  if (!state) throw new Error('the demo team is not seeded');
  acme = state;
});

const entities = (representations: Representation[], token = DEMO_TOKEN) =>
  harness.graphql<{ _entities: Array<Entity | null> }>(ENTITIES, { variables: { representations }, token });

/** Upstream calls per path, e.g. {'/members': 1}. */
const callsByPath = () => {
  const counts: Record<string, number> = {};
  for (const call of harness.simulator.calls) counts[call.path] = (counts[call.path] ?? 0) + 1;
  return counts;
};

function at<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new Error('empty seed collection');
  return item;
}

/** `@key(fields: …)` values per type name, from type definitions carrying @key. */
function keysOf(sdl: string): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  for (const definition of parse(sdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const fields = (definition.directives ?? [])
      .filter((directive: ConstDirectiveNode) => directive.name.value === 'key')
      .map((directive) => {
        const value = directive.arguments?.find((argument) => argument.name.value === 'fields')?.value;
        return value?.kind === Kind.STRING ? value.value : print(value ?? { kind: Kind.NULL });
      });
    if (fields.length > 0) keys[definition.name.value] = fields.sort();
  }
  return keys;
}

describe('the facade is an Apollo Federation v2 subgraph', () => {
  it('serves `_service { sdl }` (the printed subgraph SDL), also without a token: routers fetch it at startup', async () => {
    const { body } = await harness.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }', {
      token: null,
    });
    expect(body.errors).toBeUndefined();
    const sdl = body.data?._service.sdl ?? '';
    // The same text `npm run codegen` writes to schema/subgraph.graphql (schema-files.test.ts keeps that current).
    expect(`${sdl.trimEnd()}\n`).toBe(printedSchemas()['subgraph.graphql']);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2');
    expect(harness.simulator.calls).toEqual([]);
  });

  it('declares exactly the @keys routers resolve by (changing one breaks every supergraph built on them)', () => {
    expect(keysOf(printedSchemas()['subgraph.graphql'] ?? '')).toEqual({
      AccountLink: ['id', 'inboxId'],
      Campaign: ['id'],
      Member: ['id', 'inboxId'],
      Message: ['id'],
      Prospect: ['id', 'platform platformId'],
      Status: ['id', 'inboxId'],
      Tag: ['id', 'inboxId'],
      Team: ['id', 'inboxId'],
      Thread: ['id', 'inboxId'],
    });
  });

  it('stays a normal GraphQL server: ordinary queries run beside `_entities`', async () => {
    const { body } = await harness.graphql<{ team: { inboxId: string }; _entities: Array<Entity | null> }>(
      `query($representations: [_Any!]!) {
        team { inboxId }
        _entities(representations: $representations) { ... on Team { name } }
      }`,
      { variables: { representations: [{ __typename: 'Team', inboxId: acme.team.id }] } },
    );
    expect(body).toEqual({
      data: { team: { inboxId: acme.team.id }, _entities: [{ name: acme.team.name }] },
      extensions: { cost: expect.any(Object) },
    });
  });
});

describe('every entity resolves by each of its keys, with the REST objects of the caller’s team', () => {
  it('id and inboxId keys of Team, Member, AccountLink, Tag, Status, Thread; Message and Campaign by id', async () => {
    const member = at(acme.members, 1);
    const link = at(acme.accountLinks, 0);
    const tag = at(acme.tags, 2);
    const status = at(acme.statuses, 3);
    const thread = at(acme.threads, 5);
    const message = at(acme.messagesByThread.get(thread.id) ?? [], 0);
    const campaign = at(acme.campaigns, 0).campaign;
    const pairs: Array<[Representation, Record<string, unknown>]> = [
      [
        { __typename: 'Team', id: encodeGlobalID('Team', acme.team.id) },
        { inboxId: acme.team.id, name: acme.team.name },
      ],
      [
        { __typename: 'Team', inboxId: acme.team.id },
        { inboxId: acme.team.id, name: acme.team.name },
      ],
      [
        { __typename: 'Member', id: encodeGlobalID('Member', member.id) },
        { inboxId: member.id, email: member.email },
      ],
      [
        { __typename: 'Member', inboxId: member.id },
        { inboxId: member.id, email: member.email },
      ],
      [
        { __typename: 'AccountLink', id: encodeGlobalID('AccountLink', link.id) },
        { inboxId: link.id, username: link.username },
      ],
      [
        { __typename: 'AccountLink', inboxId: link.id },
        { inboxId: link.id, username: link.username },
      ],
      [
        { __typename: 'Tag', id: encodeGlobalID('Tag', tag.id) },
        { inboxId: tag.id, name: tag.name },
      ],
      [
        { __typename: 'Tag', inboxId: tag.id },
        { inboxId: tag.id, name: tag.name },
      ],
      [
        { __typename: 'Status', id: encodeGlobalID('Status', status.id) },
        { inboxId: status.id, name: status.name },
      ],
      [
        { __typename: 'Status', inboxId: status.id },
        { inboxId: status.id, name: status.name },
      ],
      [
        { __typename: 'Thread', id: encodeGlobalID('Thread', thread.id) },
        { inboxId: thread.id, prospect: { platformId: thread.prospect.platformId } },
      ],
      [
        { __typename: 'Thread', inboxId: thread.id },
        { inboxId: thread.id, prospect: { platformId: thread.prospect.platformId } },
      ],
      [
        { __typename: 'Message', id: encodeGlobalID('Message', `${thread.id}:${message.id}`) },
        { inboxId: message.id, content: message.content },
      ],
      [
        { __typename: 'Campaign', id: encodeGlobalID('Campaign', campaign.id) },
        { inboxId: campaign.id, name: campaign.name },
      ],
    ];
    const { body } = await entities(pairs.map(([representation]) => representation));
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual(
      pairs.map(([representation, fields]) => ({ __typename: representation.__typename, ...fields })),
    );
  });

  it('Prospect by `id` and by `platform platformId`, the enum arriving by its GraphQL name', async () => {
    const twitter = acme.prospects.find((prospect) => prospect.platform === 'twitter');
    const sandbox = acme.prospects.find((prospect) => prospect.platform === 'sandbox');
    if (!twitter || !sandbox) throw new Error('the seed has twitter and sandbox prospects');
    const expected = (prospect: typeof twitter) => ({
      __typename: 'Prospect',
      platform: prospect.platform.toUpperCase(),
      platformId: prospect.platformId,
      displayName: prospect.displayName,
    });
    const { body } = await entities([
      { __typename: 'Prospect', id: encodeGlobalID('Prospect', `twitter:${twitter.platformId}`) },
      { __typename: 'Prospect', platform: 'TWITTER', platformId: twitter.platformId },
      { __typename: 'Prospect', platform: 'SANDBOX', platformId: sandbox.platformId },
      // The right X user on the wrong platform is no entity of ours.
      { __typename: 'Prospect', platform: 'SANDBOX', platformId: twitter.platformId },
    ]);
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual([expected(twitter), expected(twitter), expected(sandbox), null]);
  });

  it('a malformed reference fails alone, with BAD_USER_INPUT at its index and no upstream call for it', async () => {
    const tag = at(acme.tags, 0);
    const { body } = await entities([
      { __typename: 'Tag', inboxId: tag.id },
      { __typename: 'Tag', id: encodeGlobalID('Member', at(acme.members, 0).id) },
      { __typename: 'Prospect', platform: 'twitter', platformId: at(acme.prospects, 0).platformId },
      { __typename: 'Thread', inboxId: 'not an id!' },
    ]);
    expect(body.data?._entities).toEqual([
      { __typename: 'Tag', inboxId: tag.id, name: tag.name },
      null,
      null,
      null,
    ]);
    expect(
      body.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.field]),
    ).toEqual([
      [['_entities', 1], 'BAD_USER_INPUT', 'id'],
      [['_entities', 2], 'BAD_USER_INPUT', 'platform'],
      [['_entities', 3], 'BAD_USER_INPUT', 'inboxId'],
    ]);
    expect(callsByPath()).toEqual({ '/tags': 1 });
  });

  it('references resolve with the caller’s token: another team’s thread is not served', async () => {
    const theirs = harness.simulator.store.teamByToken(SECOND_TEAM_TOKEN);
    const thread = at(theirs?.threads ?? [], 0);
    const mine = await entities([{ __typename: 'Thread', inboxId: thread.id }]);
    expect(mine.body.data?._entities).toEqual([null]);
    expect(['NOT_FOUND', 'FORBIDDEN']).toContain(mine.body.errors?.[0]?.extensions?.code);
    const theirsResponse = await entities([{ __typename: 'Thread', inboxId: thread.id }], SECOND_TEAM_TOKEN);
    expect(theirsResponse.body.data?._entities).toEqual([
      { __typename: 'Thread', inboxId: thread.id, prospect: { platformId: thread.prospect.platformId } },
    ]);
    expect(harness.simulator.calls.map((call) => call.teamId)).toEqual([acme.team.id, theirs?.team.id]);
  });
});

describe('references are batched: the cost of `_entities` does not grow with the number of references', () => {
  it('40 Member/Tag/Status references cost one GET per collection (3 in all)', async () => {
    // Both key forms, with repeats, interleaved as a router would send them.
    const pairs = Array.from({ length: 40 }, (_, index): [Representation, Entity] => {
      const member = at(acme.members, index);
      const tag = at(acme.tags, index);
      const status = at(acme.statuses, index);
      const [typename, id, fields] =
        index % 3 === 0
          ? (['Member', member.id, { email: member.email }] as const)
          : index % 3 === 1
            ? (['Tag', tag.id, { name: tag.name }] as const)
            : (['Status', status.id, { name: status.name }] as const);
      const representation =
        index % 2 === 0
          ? { __typename: typename, inboxId: id }
          : { __typename: typename, id: encodeGlobalID(typename, id) };
      return [representation, { __typename: typename, inboxId: id, ...fields }];
    });
    const { body } = await entities(pairs.map(([representation]) => representation));
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual(pairs.map(([, entity]) => entity));
    expect(callsByPath()).toEqual({ '/members': 1, '/tags': 1, '/statuses': 1 });
    expect(harness.simulator.calls.length).toBeLessThanOrEqual(3);
  });

  it('10 references to 3 distinct threads cost 3 GET /threads/{id}, whichever key they use', async () => {
    const threads = [at(acme.threads, 10), at(acme.threads, 20), at(acme.threads, 30)];
    const representations: Representation[] = Array.from({ length: 10 }, (_, index) => {
      const thread = at(threads, index);
      return index % 2 === 0
        ? { __typename: 'Thread', inboxId: thread.id }
        : { __typename: 'Thread', id: encodeGlobalID('Thread', thread.id) };
    });
    const { body } = await entities(representations);
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual(
      Array.from({ length: 10 }, (_, index) => ({
        __typename: 'Thread',
        inboxId: at(threads, index).id,
        prospect: { platformId: at(threads, index).prospect.platformId },
      })),
    );
    expect(callsByPath()).toEqual(Object.fromEntries(threads.map((thread) => [`/threads/${thread.id}`, 1])));
  });

  it('10 Prospect references by `platform platformId` to 3 people cost 3 GET /prospects/lookup', async () => {
    const prospects = acme.prospects.filter((prospect) => prospect.platform === 'twitter').slice(0, 3);
    const representations: Representation[] = Array.from({ length: 10 }, (_, index) => ({
      __typename: 'Prospect',
      platform: 'TWITTER',
      platformId: at(prospects, index).platformId,
    }));
    const { body } = await entities(representations);
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual(
      Array.from({ length: 10 }, (_, index) => ({
        __typename: 'Prospect',
        platform: 'TWITTER',
        platformId: at(prospects, index).platformId,
        displayName: at(prospects, index).displayName,
      })),
    );
    const lookups = harness.simulator.calls.filter((call) => call.path === '/prospects/lookup');
    expect(harness.simulator.calls).toHaveLength(3);
    expect(lookups.map((call) => call.query.platformId).sort()).toEqual(
      prospects.map((prospect) => prospect.platformId).sort(),
    );
  });
});
