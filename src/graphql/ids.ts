import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';

/**
 * Ids. Every object type that names a thing has a Relay global id; every id argument also accepts the raw Inbox
 * id, so ids copied from the REST API or from webhooks work too. The parsers here return the parsed value or
 * the reason for refusing it, worded as a predicate ("must be a Thread id, not a Tag id"), so that every
 * refusal reads the same however it is raised (input validation, references, `node`).
 */

/** The Node types; a global id names one of them. */
export const NODE_TYPES = [
  'Team',
  'Member',
  'AccountLink',
  'Prospect',
  'Thread',
  'Message',
  'Tag',
  'Status',
  'Campaign',
] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];
const NODE_TYPE_NAMES = new Set<string>(NODE_TYPES);

/** Inbox ids are lowercase alphanumeric (cuids). */
export const INBOX_ID = /^[0-9a-z]{1,64}$/;
/** X user ids are decimal strings. */
export const PLATFORM_ID = /^[0-9]{1,32}$/;
/** Platform names are lowercase words (`twitter`, `sandbox`). */
export const PLATFORM = /^[a-z]{1,32}$/;

export type Parsed<T> = { value: T } | { refusal: string };

function decodeNodeId(value: string): { typename: string; id: string } | null {
  try {
    const decoded = decodeGlobalID(value);
    return NODE_TYPE_NAMES.has(decoded.typename) && decoded.id ? decoded : null;
  } catch {
    return null;
  }
}

/** The global id of `typename` or a raw Inbox id, as the raw Inbox id. */
export function inboxIdOf(value: string, typename: NodeTypeName): Parsed<string> {
  // Federation keys arrive as any JSON (`_Any`): only a string can be an id.
  if (typeof value !== 'string') return { refusal: `is not a ${typename} id` };
  const global = decodeNodeId(value);
  if (global) {
    if (global.typename !== typename)
      return { refusal: `must be a ${typename} id, not a ${global.typename} id` };
    if (INBOX_ID.test(global.id)) return { value: global.id };
  } else if (INBOX_ID.test(value)) {
    return { value };
  }
  return { refusal: `is not a ${typename} id` };
}

/** A prospect is identified by platform + X user id: its Inbox id (externalId) may not exist yet. */
export type ProspectKey = { platform: string; platformId: string } | { externalId: string };

/** The id part of a Prospect global id: `<platform>:<X user id>`. */
export function prospectNodeId(prospect: { platform: string; platformId: string }): string {
  return `${prospect.platform}:${prospect.platformId}`;
}

export function prospectNodeKeyOf(nodeId: string): Parsed<{ platform: string; platformId: string }> {
  const [platform = '', platformId = '', ...rest] = nodeId.split(':');
  if (rest.length > 0 || !PLATFORM.test(platform) || !PLATFORM_ID.test(platformId)) {
    return { refusal: 'is not a Prospect id' };
  }
  return { value: { platform, platformId } };
}

/** A Prospect global id (platform + X user id), or a raw Inbox id (externalId). */
export function prospectKeyOf(value: string): Parsed<ProspectKey> {
  if (typeof value !== 'string') return { refusal: 'is not a Prospect id' };
  const global = decodeNodeId(value);
  if (global?.typename === 'Prospect') return prospectNodeKeyOf(global.id);
  if (global) return { refusal: `must be a Prospect id, not a ${global.typename} id` };
  if (INBOX_ID.test(value)) return { value: { externalId: value } };
  return { refusal: 'is not a Prospect id' };
}

export function platformIdOf(value: string): Parsed<string> {
  return PLATFORM_ID.test(value) ? { value } : { refusal: 'must be an X user id (a decimal string)' };
}

/** A message is identified by its thread and its id: v1 has no read by message id alone. */
export interface MessageKey {
  threadId: string;
  messageId: string;
}

/** The id part of a Message global id: `<thread id>:<message id>`. */
export function messageNodeId(message: { threadId: string; id: string }): string {
  return `${message.threadId}:${message.id}`;
}

export function messageNodeKeyOf(nodeId: string): Parsed<MessageKey> {
  const [threadId = '', messageId = '', ...rest] = nodeId.split(':');
  return rest.length === 0 && INBOX_ID.test(threadId) && INBOX_ID.test(messageId)
    ? { value: { threadId, messageId } }
    : { refusal: 'must be a Message id (the global `id` of a Message)' };
}

/** The global id of a Message (which names its thread too). */
export function messageKeyOf(value: string): Parsed<MessageKey> {
  if (typeof value !== 'string') return { refusal: 'must be a Message id (the global `id` of a Message)' };
  const global = decodeNodeId(value);
  if (global?.typename === 'Message') return messageNodeKeyOf(global.id);
  return { refusal: 'must be a Message id (the global `id` of a Message)' };
}

/** Longer than any id this API hands out: refused before it is even decoded. */
const MAX_GLOBAL_ID_LENGTH = 256;

/**
 * Any global id (`node`, `nodes`): its type, and its id part checked as that type's typed arguments check it,
 * so that nothing malformed reaches an upstream path.
 */
export function globalIdOf(value: string): Parsed<{ typename: NodeTypeName; id: string }> {
  const global = value.length <= MAX_GLOBAL_ID_LENGTH ? decodeNodeId(value) : null;
  if (!global) return { refusal: 'is not a global id of this API' };
  const typename = global.typename as NodeTypeName;
  const checked =
    typename === 'Prospect'
      ? prospectNodeKeyOf(global.id)
      : typename === 'Message'
        ? messageNodeKeyOf(global.id)
        : INBOX_ID.test(global.id)
          ? { value: global.id }
          : { refusal: `is not a ${typename} id` };
  return 'value' in checked ? { value: { typename, id: global.id } } : checked;
}

export { encodeGlobalID };
