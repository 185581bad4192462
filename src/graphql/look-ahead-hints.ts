import type { GraphQLField } from 'graphql';
import type { InboxApi, WarmableCollection } from '../upstream/api.js';

/**
 * What a field tells the look-ahead (src/upstream/look-ahead.ts) it will read, declared beside the field in
 * src/schema/<domain>/ as a Pothos field extension (`extensions: lookAhead({...})`): the look-ahead knows no
 * field by name.
 */
export interface LookAheadHint {
  /**
   * Team collections the field may read (speculative: under an empty list, or when the object has no
   * such reference, it reads nothing), started only while a cross-request cache keeps them.
   */
  warms?: readonly WarmableCollection[];
  /** The field reads the team: read first, so that a token new to this process may be served its caches. */
  readsTeam?: true;
  /**
   * Right under the root field `root` (`Type.field`), the field's own call is known from both fields'
   * arguments before the root's resolves: `start` makes it (memoised, so the resolver finds it in flight).
   * It checks the arguments as their validation does and starts nothing for a refused one.
   */
  underRoot?: {
    root: string;
    start(inbox: InboxApi, rootArgs: Record<string, unknown>, args: Record<string, unknown>): void;
  };
}

const KEY = 'inboxLookAhead';

/** A field's `extensions` carrying its look-ahead hint. */
export const lookAhead = (hint: LookAheadHint): Record<string, unknown> => ({ [KEY]: hint });

export const lookAheadHintOf = (
  field: GraphQLField<unknown, unknown> | null | undefined,
): LookAheadHint | undefined => field?.extensions?.[KEY] as LookAheadHint | undefined;
