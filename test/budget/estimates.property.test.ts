import fc from 'fast-check';
import {
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN, type TeamState } from '../../simulator/src/index.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import { schema } from '../../src/schema/index.js';
import { useHarness } from '../support/harness.js';

/**
 * Property: for operations generated over the schema (random selections, page sizes and ids of the seeded
 * simulator, `node`/`nodes`/`_entities`, connections and nested lists, bounded depth), the Inbox API calls
 * an operation makes (the simulator's call log) never exceed the estimate the facade made for it
 * (MAX_UPSTREAM_CALLS's, from the operation's log line), with the caches cold, warmed by the operation
 * itself, and warm with every team collection; and the verdict (run or refused) is the same in all three.
 */
const LIMIT = 100;
const harness = useHarness({ config: { MAX_UPSTREAM_CALLS: String(LIMIT), LOG_LEVEL: 'info' } });

/** Ids of the seeded demo team, by the kind of argument that takes them. */
interface Pool {
  threadIds: string[];
  /** Global ids of every Node type, messages of many distinct threads among them. */
  globalIds: string[];
  messageIds: string[];
  representations: Array<Record<string, string>>;
  prospectIds: string[];
  platformIds: string[];
  usernames: string[];
  campaignIds: string[];
  memberIds: string[];
  accountLinkIds: string[];
  tagIds: string[];
  statusIds: string[];
}
let pool: Pool;

beforeAll(() => {
  const acme = harness.simulator.store.teamByToken(DEMO_TOKEN) as TeamState;
  const threads = acme.threads;
  const messageIds = threads.flatMap((thread) => {
    const first = acme.messagesByThread.get(thread.id)?.[0];
    return first ? [encodeGlobalID('Message', `${thread.id}:${first.id}`)] : [];
  });
  const prospects = threads.map((thread) => thread.prospect);
  const unknown = 'zz0unknown0id';
  pool = {
    threadIds: [...threads.map((thread) => thread.id), unknown],
    messageIds,
    globalIds: [
      ...threads.slice(0, 20).map((thread) => encodeGlobalID('Thread', thread.id)),
      ...messageIds,
      ...prospects
        .slice(0, 10)
        .map((prospect) => encodeGlobalID('Prospect', `${prospect.platform}:${prospect.platformId}`)),
      ...acme.campaigns.map((campaign) => encodeGlobalID('Campaign', campaign.campaign.id)),
      ...acme.members.map((member) => encodeGlobalID('Member', member.id)),
      ...acme.accountLinks.map((link) => encodeGlobalID('AccountLink', link.id)),
      ...acme.tags.map((tag) => encodeGlobalID('Tag', tag.id)),
      ...acme.statuses.map((status) => encodeGlobalID('Status', status.id)),
      encodeGlobalID('Team', acme.team.id),
      encodeGlobalID('Thread', unknown),
    ],
    representations: [
      ...threads.slice(0, 10).map((thread) => ({ __typename: 'Thread', inboxId: thread.id })),
      ...messageIds.slice(0, 10).map((id) => ({ __typename: 'Message', id })),
      ...prospects.slice(0, 5).map((prospect) => ({
        __typename: 'Prospect',
        platform: 'TWITTER',
        platformId: prospect.platformId,
      })),
      ...acme.campaigns.map((campaign) => ({
        __typename: 'Campaign',
        id: encodeGlobalID('Campaign', campaign.campaign.id),
      })),
      ...acme.accountLinks.map((link) => ({ __typename: 'AccountLink', inboxId: link.id })),
      ...acme.tags.slice(0, 3).map((tag) => ({ __typename: 'Tag', inboxId: tag.id })),
      { __typename: 'Team', inboxId: acme.team.id },
    ],
    prospectIds: prospects
      .slice(0, 10)
      .flatMap((prospect) => (prospect.externalId ? [prospect.externalId] : [])),
    platformIds: [...prospects.slice(0, 10).map((prospect) => prospect.platformId), '123456789'],
    usernames: [...prospects.slice(0, 10).map((prospect) => prospect.username), 'nobody_here'],
    campaignIds: [...acme.campaigns.map((campaign) => campaign.campaign.id), unknown],
    memberIds: acme.members.map((member) => member.id),
    accountLinkIds: acme.accountLinks.map((link) => link.id),
    tagIds: acme.tags.map((tag) => tag.id),
    statusIds: acme.statuses.map((status) => status.id),
  };
});

// ---- Operations built from the schema ----

const quote = (value: string) => JSON.stringify(value);
const pick = (values: () => string[]) => fc.constant(null).chain(() => fc.constantFrom(...values()));
/** Mostly small pages, sometimes large ones. */
const pageSize = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 3 },
  { arbitrary: fc.constantFrom(10, 20, 50, 100), weight: 2 },
);

/** The arguments of a field this generator can give well-typed values; `null`: leave the field out. */
function argumentsOf(coordinate: string, field: GraphQLField<unknown, unknown>): fc.Arbitrary<string> | null {
  const byId = (values: () => string[]) => pick(values).map((id) => `(id: ${quote(id)})`);
  switch (coordinate) {
    case 'Query.thread':
      return byId(() => pool.threadIds);
    case 'Query.prospect':
      return byId(() => pool.prospectIds);
    case 'Query.prospectByPlatformId':
      return pick(() => pool.platformIds).map((id) => `(platformId: ${quote(id)})`);
    case 'Query.threadsByUsername':
      return pick(() => pool.usernames).map((name) => `(username: ${quote(name)})`);
    case 'Query.threadLookup':
      return fc
        .tuple(
          pick(() => pool.accountLinkIds),
          pick(() => pool.platformIds),
        )
        .map(
          ([link, platformId]) =>
            `(accountLinkId: ${quote(link)}, prospect: { platformId: ${quote(platformId)} })`,
        );
    case 'Query.campaign':
      return byId(() => pool.campaignIds);
    case 'Query.member':
      return byId(() => pool.memberIds);
    case 'Query.accountLink':
      return byId(() => pool.accountLinkIds);
    case 'Query.tag':
      return byId(() => pool.tagIds);
    case 'Query.status':
      return byId(() => pool.statusIds);
    case 'Query.colors':
      return fc.constantFrom('', '(scope: TAGS)', '(scope: STATUSES)');
    case 'Query.events':
      return fc.integer({ min: 1, max: 5 }).map((first) => `(first: ${first})`);
  }
  if (field.args.some((arg) => arg.type.toString().endsWith('!'))) return null;
  if (field.args.some((arg) => arg.name === 'first')) {
    return fc.option(pageSize, { freq: 4 }).map((first) => (first === null ? '' : `(first: ${first})`));
  }
  return fc.constant('');
}

/** A selection set on a type, at most `depth` levels of objects deep. */
function selectionOf(type: GraphQLNamedType, depth: number): fc.Arbitrary<string> {
  if (isLeafType(type)) return fc.constant('');
  if (isAbstractType(type)) {
    const possible = [...schema.getPossibleTypes(type)];
    return fc
      .subarray(possible, { minLength: 1, maxLength: Math.min(3, possible.length) })
      .chain((types) =>
        fc.tuple(
          ...types.map((object) => fieldsOf(object, depth).map((set) => `... on ${object.name} ${set}`)),
        ),
      )
      .map((fragments) => `{ __typename ${fragments.join(' ')} }`);
  }
  if (!isObjectType(type)) return fc.constant('');
  return fieldsOf(type, depth);
}

/** A connection's `edges` and an edge's `node` are not levels: a page of threads with their messages is 2. */
const plumbing = (type: GraphQLObjectType, name: string) =>
  (type.name.endsWith('Connection') && name === 'edges') || (type.name.endsWith('Edge') && name === 'node');

function fieldsOf(type: GraphQLObjectType, depth: number): fc.Arbitrary<string> {
  const candidates = Object.values(type.getFields()).flatMap((field) => {
    const named = getNamedType(field.type);
    if (!isLeafType(named) && depth <= 0) return [];
    const args = argumentsOf(`${type.name}.${field.name}`, field);
    return args ? [{ field, named, args, deeper: !isLeafType(named) }] : [];
  });
  // Fields that lead further are what costs calls: one or two of them, and a leaf.
  const objects = candidates.filter((candidate) => candidate.deeper);
  const leaves = candidates.filter((candidate) => !candidate.deeper);
  return fc
    .tuple(
      fc.subarray(objects, {
        minLength: Math.min(1, objects.length),
        maxLength: Math.min(2, objects.length),
      }),
      fc.subarray(leaves, { maxLength: Math.min(1, leaves.length) }),
    )
    .chain(([chosenObjects, chosenLeaves]) => {
      const chosen = [...chosenObjects, ...chosenLeaves];
      if (chosen.length === 0) return fc.constant('{ __typename }');
      return fc
        .tuple(
          ...chosen.map(({ field, named, args }) =>
            fc
              .tuple(args, selectionOf(named, plumbing(type, field.name) ? depth : depth - 1))
              .map(([given, set]) => `${field.name}${given} ${set}`),
          ),
        )
        .map((parts) => `{ __typename ${parts.join(' ')} }`);
    });
}

/** Objects by reference: fragments on the types of the ids given (and sometimes another type). */
const typeOfGlobalId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[0] as string;
const byReference = (types: string[], depth: number) =>
  fc
    .subarray(['Thread', 'Message', 'Prospect', 'AccountLink', 'Member'], { maxLength: 1 })
    .chain((other) =>
      fc.tuple(
        ...[...new Set([...types, ...other])].map((name) =>
          fieldsOf(schema.getType(name) as GraphQLObjectType, depth).map((set) => `... on ${name} ${set}`),
        ),
      ),
    )
    .map((fragments) => `{ __typename ${fragments.join(' ')} }`);
const globalId = fc.constant(null).chain(() => fc.constantFrom(...pool.globalIds));
const referenceRoots = [
  globalId.chain((id) => byReference([typeOfGlobalId(id)], 3).map((set) => `node(id: ${quote(id)}) ${set}`)),
  fc
    .oneof(
      fc.array(globalId, { minLength: 1, maxLength: 12 }),
      // Messages of distinct threads: each needs its own thread read.
      fc.integer({ min: 1, max: 60 }).map((count) => pool.messageIds.slice(0, count)),
    )
    .chain((ids) =>
      byReference([...new Set(ids.map(typeOfGlobalId))].slice(0, 3), 3).map(
        (set) => `nodes(ids: [${ids.map(quote).join(', ')}]) ${set}`,
      ),
    ),
  fc
    .array(
      fc.constant(null).chain(() => fc.constantFrom(...pool.representations)),
      { minLength: 1, maxLength: 8 },
    )
    .chain((representations) => {
      const literal = representations
        .map(
          (representation) =>
            `{ ${Object.entries(representation)
              .map(([key, value]) => `${key}: ${quote(value)}`)
              .join(', ')} }`,
        )
        .join(', ');
      const types = [
        ...new Set(representations.map((representation) => representation.__typename as string)),
      ];
      return byReference(types.slice(0, 3), 3).map(
        (set) => `_entities(representations: [${literal}]) ${set}`,
      );
    }),
];

const queryType = schema.getQueryType() as GraphQLObjectType;
const otherRoots = Object.values(queryType.getFields()).flatMap((field) => {
  if (['_service', 'node', 'nodes', '_entities'].includes(field.name)) return [];
  const args = argumentsOf(`Query.${field.name}`, field);
  if (!args) return [];
  return [
    fc
      .tuple(args, selectionOf(getNamedType(field.type), 3))
      .map(([given, set]) => `${field.name}${given} ${set}`),
  ];
});
const aRootField = fc.oneof(
  { arbitrary: fc.oneof(...referenceRoots), weight: 1 },
  { arbitrary: fc.oneof(...otherRoots), weight: 3 },
);
const anOperation = fc
  .array(aRootField, { minLength: 1, maxLength: 2 })
  .map((parts) => `{ ${parts.map((part, index) => `r${index}: ${part}`).join(' ')} }`);

// ---- Running them ----

interface Run {
  calls: number;
  estimate: number;
  verdict: 'ran' | 'over budget' | 'invalid';
}

const EVERY_COLLECTION =
  '{ team { id } members { id } accountLinks { id } tags { id } statuses { id } ' +
  'a: colors { name } b: colors(scope: TAGS) { name } c: colors(scope: STATUSES) { name } }';

async function run(query: string): Promise<Run> {
  harness.simulator.resetCalls();
  harness.logLines.length = 0;
  const { body } = await harness.graphql(query);
  const line = harness.logLines
    .map((text) => JSON.parse(text) as { msg?: string; upstreamEstimate?: number })
    .findLast((entry) => entry.msg === 'graphql operation');
  const calls = harness.simulator.calls.length;
  const codes = body.errors?.map((error) => error.extensions?.code) ?? [];
  // Over a document limit (graphql-armor's MAX_COST, say): refused before any estimate, and any call.
  if (codes.includes('GRAPHQL_VALIDATION_FAILED')) return { calls, estimate: 0, verdict: 'invalid' };
  const estimate = line?.upstreamEstimate;
  if (estimate === undefined) throw new Error(`no estimate logged for ${query}: ${JSON.stringify(body)}`);
  return { calls, estimate, verdict: codes.includes('UPSTREAM_BUDGET_EXCEEDED') ? 'over budget' : 'ran' };
}

/**
 * About 15 s here; `ESTIMATE_RUNS=2000 ESTIMATE_SEED=7 npx vitest run test/budget/estimates.property.test.ts` for a
 * longer search elsewhere.
 */
const RUNS = Number(process.env.ESTIMATE_RUNS ?? 150);
const seen = { operations: 0, refused: 0, withCalls: 0, mostCalls: 0 };

describe('the upstream-call estimate is never below what an operation makes, cold or warm', () => {
  it('for operations generated over the schema', async () => {
    await fc.assert(
      fc.asyncProperty(anOperation, async (query) => {
        harness.reset();
        const cold = await run(query);
        const again = await run(query);
        harness.reset();
        await harness.graphql(EVERY_COLLECTION);
        const warm = await run(query);
        for (const [state, result] of Object.entries({ cold, again, warm })) {
          expect(result.calls, `${state}: ${query}`).toBeLessThanOrEqual(result.estimate);
          expect(result.verdict, `${state}: verdict of ${query}`).toBe(cold.verdict);
        }
        seen.operations++;
        if (cold.verdict === 'over budget') seen.refused++;
        if (cold.calls > 0) seen.withCalls++;
        seen.mostCalls = Math.max(seen.mostCalls, cold.calls);
      }),
      { seed: Number(process.env.ESTIMATE_SEED ?? 20261207), numRuns: RUNS, endOnFailure: true },
    );
    console.info(`estimates: ${JSON.stringify(seen)}`);
    // The property must not hold vacuously: most operations ran and made calls, some were refused.
    expect(seen.withCalls).toBeGreaterThan(seen.operations / 2);
    expect(seen.refused).toBeGreaterThan(0);
  }, 600_000);
});
