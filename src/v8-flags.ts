import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by src/yoga.ts, so that it runs before the schema is built.
 *
 * Building the schema (Pothos, then the federation subgraph's SDL) parses many documents and keeps them. V8's
 * allocation-site pretenuring learns from that that graphql-js's parser makes long-lived objects, and from
 * then on allocates every request's parsed document in the old generation, where only a full collection frees
 * it: a new 14 KB document (a refused one, or any over the parse cache's 8 KB bound) then cost 6 to 12 ms of
 * CPU to parse instead of 0.6. What a request allocates dies with it; pretenuring buys this server nothing.
 * Node warns that flags set at run time may behave unpredictably; this one is read by the collector at each
 * collection, and set here it takes effect (BENCH_ONLY=stalls npm run bench shows the CPU per refusal).
 */
setFlagsFromString('--no-allocation-site-pretenuring');
