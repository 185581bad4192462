import type { PageCursor } from './contract.js';

/** Keyset position: ISO timestamps (all `…sssZ`, so string order is time order), ties broken by id. */
export function compareKeys(a: PageCursor, b: PageCursor): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** First index whose key is >= key (strict: first index whose key is > key). */
function bound<T>(
  sortedAsc: readonly T[],
  keyOf: (item: T) => PageCursor,
  key: PageCursor,
  strict: boolean,
): number {
  let low = 0;
  let high = sortedAsc.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const cmp = compareKeys(keyOf(sortedAsc[mid] as T), key);
    if (cmp < 0 || (strict && cmp === 0)) low = mid + 1;
    else high = mid;
  }
  return low;
}

export interface PageRequest<T> {
  order: 'asc' | 'desc';
  after: PageCursor | null;
  limit: number;
  matches?: (item: T) => boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: PageCursor | null;
}

/**
 * One page of `sortedAsc` read in `order`, starting strictly after the cursor. Only the items visited are
 * filtered (binary search to the cursor, then a linear scan), so deep pages stay cheap.
 */
export function keysetPage<T>(
  sortedAsc: readonly T[],
  keyOf: (item: T) => PageCursor,
  request: PageRequest<T>,
): Page<T> {
  const { order, after, limit, matches } = request;
  const items: T[] = [];
  const step = order === 'asc' ? 1 : -1;
  let index =
    order === 'asc'
      ? after
        ? bound(sortedAsc, keyOf, after, true)
        : 0
      : (after ? bound(sortedAsc, keyOf, after, false) : sortedAsc.length) - 1;
  for (; index >= 0 && index < sortedAsc.length; index += step) {
    const item = sortedAsc[index] as T;
    if (matches && !matches(item)) continue;
    if (items.length === limit) {
      const last = items[items.length - 1] as T;
      return { items, nextCursor: keyOf(last) };
    }
    items.push(item);
  }
  return { items, nextCursor: null };
}
