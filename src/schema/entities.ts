import { builder } from '../graphql/builder.js';
import { inboxIdOf, type NodeTypeName } from '../graphql/ids.js';
import { parsedOrRefused } from '../graphql/inputs.js';

/**
 * Apollo Federation v2 entities: each domain declares its types' @keys beside them. Every reference resolves
 * through the per-request loaders, so a router's `_entities` batch of N references costs one call per
 * collection (members, tags, ...) and one per distinct thread or prospect, never N.
 *
 * Every resolveReference is async on purpose: @apollo/subgraph calls them inside one `map`, so a synchronous
 * throw (a malformed key) would fail the whole `_entities` list instead of its one item.
 */
export type IdOrInboxId = { id: string } | { inboxId: string };

/** The two keys of most entities: the global `id`, or the raw `inboxId`. */
export const byIdOrInboxId = [
  builder.selection<{ id: string }>('id'),
  builder.selection<{ inboxId: string }>('inboxId'),
];

/** The raw Inbox id of a reference, from its global `id` or its `inboxId`. */
export function referencedInboxId(reference: IdOrInboxId, typename: NodeTypeName): string {
  return 'inboxId' in reference
    ? parsedOrRefused(inboxIdOf(reference.inboxId, typename), 'inboxId')
    : parsedOrRefused(inboxIdOf(reference.id, typename), 'id');
}
