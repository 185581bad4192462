import { badUserInput } from '../errors.js';

/** The upstream keyset cursor (CONTRACT §4). */
export interface KeysetCursor {
  id: string;
  timestamp: string;
}

/** Relay cursors are opaque to clients: base64url of the upstream keyset cursor. */
export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.id, cursor.timestamp])).toString('base64url');
}

export function decodeCursor(after: string | null | undefined, field = 'after'): KeysetCursor | undefined {
  if (after === null || after === undefined) return undefined;
  try {
    const [id, timestamp] = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (typeof id === 'string' && typeof timestamp === 'string' && !Number.isNaN(Date.parse(timestamp))) {
      return { id, timestamp };
    }
  } catch {
    // fall through to the refusal below
  }
  throw badUserInput(`\`${field}\` is not a cursor returned by this API.`, field);
}

/**
 * `first` within the upstream page size. Above the maximum it is refused, not clamped:
 * a client asking for 500 should learn that it gets at most 100 per page.
 */
export function pageSize(
  first: number | null | undefined,
  defaultSize: number,
  max: number,
  field = 'first',
) {
  const size = first ?? defaultSize;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw badUserInput(`\`${field}\` must be between 1 and ${max}.`, field);
  }
  return size;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/**
 * A Relay connection over one upstream keyset page. Each edge's cursor is the item's own keyset position;
 * `endCursor` is the upstream `nextCursor` when there is a next page.
 */
export function keysetConnection<T>(
  items: readonly T[],
  nextCursor: KeysetCursor | null,
  positionOf: (item: T) => KeysetCursor,
): Connection<T> {
  const edges = items.map((node) => ({ cursor: encodeCursor(positionOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: nextCursor !== null,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: nextCursor ? encodeCursor(nextCursor) : (edges.at(-1)?.cursor ?? null),
    },
  };
}
