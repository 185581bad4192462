import type { ArgBuilder } from '@pothos/core';
import { z } from 'zod';
import type { Types } from './builder.js';

/**
 * Relay connections over the Inbox API's keyset pages. An upstream page is positioned by the last item's id and
 * sort time; Relay cursors are opaque to clients, so we hand out base64url of that pair.
 */
export interface KeysetCursor {
  id: string;
  timestamp: string;
}

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.id, cursor.timestamp])).toString('base64url');
}

function decodeCursor(after: string): KeysetCursor | undefined {
  try {
    const [id, timestamp] = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (typeof id === 'string' && typeof timestamp === 'string' && !Number.isNaN(Date.parse(timestamp))) {
      return { id, timestamp };
    }
  } catch {
    // refused below
  }
  return undefined;
}

/** Validation of `after`: a cursor this API handed out, decoded. */
export const cursorArgument = z.string().transform((after, context): KeysetCursor => {
  const cursor = decodeCursor(after);
  if (cursor) return cursor;
  context.issues.push({ code: 'custom', message: 'is not a cursor returned by this API', input: after });
  return z.NEVER;
});

/** A connection's page sizes, as the upstream sets them: `first` when omitted, and the most it may ask. */
export interface PageSizes {
  default: number;
  max: number;
}

/**
 * The size of the page `first` asks for: the one place `first` is read (the resolvers' query, the
 * upstream-call estimate). Validated arguments are within 1..max already; the estimate reads them before
 * validation, so the size is clamped.
 */
export function pageSize(first: number | null | undefined, page: PageSizes): number {
  return Math.min(Math.max(first ?? page.default, 1), page.max);
}

/**
 * Validation of `first`: within the upstream page size. Above the maximum it is refused, not clamped:
 * a client asking for 500 should learn that it gets at most 100 per page.
 */
export const pageSizeArgument = (max: number) =>
  z.number().refine((size) => Number.isInteger(size) && size >= 1 && size <= max, {
    error: `must be between 1 and ${max}`,
  });

/** The upstream's keyset paging query for `first`/`after` (already validated). */
export function keysetQuery(
  args: { first?: number | null; after?: KeysetCursor | null },
  page: PageSizes,
): { limit: number; cursorId?: string; cursorTimestamp?: string } {
  const { after } = args;
  return {
    limit: pageSize(args.first, page),
    ...(after && { cursorId: after.id, cursorTimestamp: after.timestamp }),
  };
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
  // Encoded when read: an inbox page selects `pageInfo`, rarely each edge's cursor.
  const edges = items.map((node) => ({
    node,
    get cursor() {
      return encodeCursor(positionOf(node));
    },
  }));
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

/** `first` and `after` of a connection field, validated: `first` within the page size, `after` decoded. */
export function pageArguments(
  arg: ArgBuilder<Types>,
  page: PageSizes,
  descriptions: { first: string; after: string },
  { firstHasDefault }: { firstHasDefault: boolean },
) {
  return {
    first: arg
      .int({ description: descriptions.first, ...(firstHasDefault && { defaultValue: page.default }) })
      .validate(pageSizeArgument(page.max).nullish()),
    after: arg.string({ description: descriptions.after }).validate(cursorArgument.nullish()),
  };
}
