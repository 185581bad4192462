import { composeServices } from '@apollo/composition';
import { Trace } from '@apollo/usage-reporting-protobuf';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { INBOX_SUBGRAPH, type RunningGateway, startGateway } from '../support/gateway.js';
import { useHarness } from '../support/harness.js';

/**
 * Federated inline traces (`extensions.ftv1`), through a real Hive Gateway over loopback HTTP: a router that
 * asks for them (`apollo-federation-include-trace: ftv1` on its subgraph requests, as Apollo's router does
 * when it reports usage) gets the facade's trace in each subgraph answer; a router that does not ask, and
 * any other client, never does.
 */
const harness = useHarness();
const PAGE = '{ team { name } threads(first: 2) { edges { node { inboxId } } } }';

/** A gateway whose subgraph requests ask for traces (or not), and what the facade answered them. */
async function gatewayThat(asksForTraces: boolean, supergraph: string) {
  const subgraphAnswers: Array<{ extensions?: { ftv1?: unknown } }> = [];
  const gateway = await startGateway(supergraph, {
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        authorization: request.headers.get('authorization') ?? '',
        ...(asksForTraces && { 'apollo-federation-include-trace': 'ftv1' }),
      }),
    },
    plugins: () => [
      {
        onFetch:
          () =>
          async ({ response }) => {
            subgraphAnswers.push(await response.clone().json());
          },
      },
    ],
  });
  return { gateway, subgraphAnswers };
}

let supergraph: string;
let asking: { gateway: RunningGateway; subgraphAnswers: Array<{ extensions?: { ftv1?: unknown } }> };
let silent: typeof asking;

beforeAll(async () => {
  const { body } = await harness.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
  const composed = composeServices([
    {
      name: INBOX_SUBGRAPH,
      typeDefs: parse(body.data?._service.sdl ?? ''),
      url: `${harness.server.url}/graphql`,
    },
  ]);
  if (!composed.supergraphSdl) throw new Error(`composition failed: ${composed.errors?.join('\n')}`);
  supergraph = composed.supergraphSdl;
  asking = await gatewayThat(true, supergraph);
  silent = await gatewayThat(false, supergraph);
});
afterAll(async () => {
  await asking?.gateway.close();
  await silent?.gateway.close();
});

describe('apollo-federation-include-trace', () => {
  it('a router that asks gets the facade’s trace of each subgraph request, with its fields and timings', async () => {
    const answer = await asking.gateway.graphql<{ team: { name: string } }>(PAGE, { token: DEMO_TOKEN });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.team.name).toBeTruthy();
    expect(asking.subgraphAnswers.length).toBeGreaterThan(0);
    for (const subgraphAnswer of asking.subgraphAnswers) {
      const ftv1 = subgraphAnswer.extensions?.ftv1;
      expect(typeof ftv1).toBe('string');
      const trace = Trace.decode(Buffer.from(String(ftv1), 'base64'));
      expect(Number(trace.durationNs)).toBeGreaterThan(0);
      // The gateway aliases the fields it asks for: the trace names both.
      const fields = trace.root?.child?.map((node) => node.originalFieldName || node.responseName) ?? [];
      expect(fields).toEqual(expect.arrayContaining(['team', 'threads']));
    }
  });

  it('a router that does not ask, and any other client, never gets one', async () => {
    const answer = await silent.gateway.graphql(PAGE, { token: DEMO_TOKEN });
    expect(answer.errors).toBeUndefined();
    expect(silent.subgraphAnswers.length).toBeGreaterThan(0);
    for (const subgraphAnswer of silent.subgraphAnswers)
      expect(subgraphAnswer.extensions?.ftv1).toBeUndefined();
    const direct = await harness.graphql(PAGE);
    expect(direct.text).not.toContain('ftv1');
    // Only `ftv1` asks: another value of the header is no request for a trace.
    const other = await harness.graphql(PAGE, { headers: { 'apollo-federation-include-trace': 'yes' } });
    expect(other.text).not.toContain('ftv1');
  });
});
