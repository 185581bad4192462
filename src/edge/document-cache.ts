import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * Yoga keeps every parsed document (and every parse error) by its text, 1 000 of each, whatever their size:
 * a parsed document holds about a hundred times its text in memory, so 1 000 documents of 15 KB that are
 * then refused (over MAX_FIELDS_PER_SELECTION, say) would hold about 1.8 GB. These caches bound what they
 * keep by the text's length instead: a document over MAX_CACHED_DOCUMENT_CHARS is parsed anew each time (a
 * parse of 8 KB takes well under a millisecond), and all kept texts add up to MAX_CACHED_CHARS at most (about
 * 30 MB of parsed documents; some 250 documents of the usual 1 KB).
 */
export const MAX_CACHED_DOCUMENT_CHARS = 8_192;
export const MAX_CACHED_CHARS = 262_144;

export function boundedParseCaches(): {
  documentCache: LRUCache<string, DocumentNode>;
  errorCache: LRUCache<string, object>;
} {
  const bounds = (max: number) => ({
    max,
    maxSize: MAX_CACHED_CHARS,
    maxEntrySize: MAX_CACHED_DOCUMENT_CHARS,
    sizeCalculation: (_value: unknown, key: string) => Math.max(1, key.length),
  });
  return {
    documentCache: new LRUCache<string, DocumentNode>(bounds(1_000)),
    errorCache: new LRUCache<string, object>(bounds(200)),
  };
}
