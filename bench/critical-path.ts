/**
 * A page's own overhead: its latency minus the part of it during which the upstream had a call in flight.
 * Computed page by page, because pages differ: most new-token pages make one call, a few make two in a row
 * (the team's cached thread page expired), and subtracting the mean upstream time from the median latency
 * would credit the typical page with calls it never made.
 */
export type Span = [from: number, to: number];

export interface PagesOverUpstream {
  /** Per page, in page order: latency minus the upstream time within it. */
  overheadMs: number[];
  /** Per page: the upstream time within it (its critical path, as the upstream saw it). */
  upstreamMs: number[];
}

/** `pages` and `busy` on the same clock, each in order; `busy` spans are disjoint (the stub merges overlaps). */
export function pagesOverUpstream(pages: Span[], busy: Span[]): PagesOverUpstream {
  const overheadMs: number[] = [];
  const upstreamMs: number[] = [];
  let first = 0; // the first busy span that may still overlap a page (pages come in order)
  for (const [from, to] of pages) {
    while (first < busy.length && (busy[first] as Span)[1] <= from) first++;
    let within = 0;
    for (let index = first; index < busy.length; index++) {
      const [busyFrom, busyTo] = busy[index] as Span;
      if (busyFrom >= to) break;
      within += Math.min(to, busyTo) - Math.max(from, busyFrom);
    }
    upstreamMs.push(within);
    overheadMs.push(to - from - within);
  }
  return { overheadMs, upstreamMs };
}
