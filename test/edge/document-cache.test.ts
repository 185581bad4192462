import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';

/**
 * Refused documents must not stay in memory: Yoga keeps parsed documents by their text, and a parsed
 * document holds about a hundred times its text. 100 documents of about 10 KB, each refused for its 1 200
 * fields, held about 176 MB of heap when every parsed document was kept (1 000 of them would hold 1.8 GB).
 */
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const liveHeap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const harness = useHarness();

it('100 documents refused for their fields per selection leave the heap as it was', async () => {
  const refused = async (n: number) => {
    const { body } = await harness.graphql(
      `{ ${'team { id } team { name } '.repeat(600)} n${n}: __typename }`,
    );
    expect(body.errors?.[0]?.extensions?.limit, JSON.stringify(body).slice(0, 300)).toBe(
      'MAX_FIELDS_PER_SELECTION',
    );
  };
  await refused(1_000); // warm: the first parse builds what every later one shares
  const before = liveHeap();
  for (let n = 0; n < 100; n++) await refused(n);
  const grown = liveHeap() - before;
  // About 176 MB when each document is kept; a few MB of noise otherwise.
  expect(grown).toBeLessThan(40 * 1024 * 1024);
  expect(harness.simulator.calls).toEqual([]);
});
