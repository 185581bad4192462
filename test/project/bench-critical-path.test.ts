import { describe, expect, it } from 'vitest';
import { pagesOverUpstream, type Span } from '../../bench/critical-path.js';

// The bench's unloaded overhead (docs/benchmarks.md, "A new token's overhead and the pass-through floor")
// rests on this attribution of upstream time.
describe('bench: each page over its own upstream critical path', () => {
  it('subtracts from each page only the upstream time within it', () => {
    const pages: Span[] = [
      [0, 22], // one call of 20 ms
      [22, 65], // two calls in a row: 20 ms each
      [65, 66], // served without a call
    ];
    const busy: Span[] = [
      [1, 21],
      [23, 43],
      [44, 64],
    ];
    const { overheadMs, upstreamMs } = pagesOverUpstream(pages, busy);
    expect(upstreamMs).toEqual([20, 40, 0]);
    expect(overheadMs).toEqual([2, 3, 1]);
  });

  it('counts a call that straddles two pages only where it overlaps each', () => {
    const { upstreamMs, overheadMs } = pagesOverUpstream(
      [
        [0, 10],
        [10, 30],
      ],
      [[5, 15]],
    );
    expect(upstreamMs).toEqual([5, 5]);
    expect(overheadMs).toEqual([5, 15]);
  });
});
