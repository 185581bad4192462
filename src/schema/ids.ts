import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { badUserInput } from '../errors.js';

/** The Node types; a global id names one of them. */
export type NodeTypeName =
  | 'Team'
  | 'Member'
  | 'AccountLink'
  | 'Prospect'
  | 'Thread'
  | 'Message'
  | 'Tag'
  | 'Status'
  | 'Campaign';
const NODE_TYPES = new Set<string>([
  'Team',
  'Member',
  'AccountLink',
  'Prospect',
  'Thread',
  'Message',
  'Tag',
  'Status',
  'Campaign',
]);

/** Inbox ids are lowercase alphanumeric (CONTRACT §2). */
const INBOX_ID = /^[0-9a-z]{1,64}$/;
/** X user ids are decimal strings. */
const PLATFORM_ID = /^[0-9]{1,32}$/;

function decodeNodeId(value: string): { typename: string; id: string } | null {
  try {
    const decoded = decodeGlobalID(value);
    return NODE_TYPES.has(decoded.typename) && decoded.id ? decoded : null;
  } catch {
    return null;
  }
}

/**
 * Accepts the global id of `typename` or a raw Inbox id; refuses anything else with BAD_USER_INPUT
 * naming `field`, before any upstream call.
 */
export function parseInboxId(value: string, typename: NodeTypeName, field: string): string {
  const global = decodeNodeId(value);
  if (global) {
    if (global.typename !== typename) {
      throw badUserInput(`\`${field}\` must be a ${typename} id, not a ${global.typename} id.`, field);
    }
    if (INBOX_ID.test(global.id)) return global.id;
  } else if (INBOX_ID.test(value)) {
    return value;
  }
  throw badUserInput(`\`${field}\` is not a ${typename} id.`, field);
}

export function parseInboxIds(
  values: readonly string[] | null | undefined,
  typename: NodeTypeName,
  field: string,
) {
  return values?.map((value) => parseInboxId(value, typename, field));
}

/** A prospect is identified by platform + X user id: its Inbox id (externalId) may not exist yet. */
export type ProspectKey = { platform: string; platformId: string } | { externalId: string };

export function prospectNodeId(prospect: { platform: string; platformId: string }): string {
  return `${prospect.platform}:${prospect.platformId}`;
}

/** Accepts a Prospect global id or a raw Inbox id (externalId). */
export function parseProspectId(value: string, field: string): ProspectKey {
  const global = decodeNodeId(value);
  if (global?.typename === 'Prospect') return parseProspectNodeId(global.id, field);
  if (global) throw badUserInput(`\`${field}\` must be a Prospect id, not a ${global.typename} id.`, field);
  if (INBOX_ID.test(value)) return { externalId: value };
  throw badUserInput(`\`${field}\` is not a Prospect id.`, field);
}

export function parseProspectNodeId(nodeId: string, field = 'id'): { platform: string; platformId: string } {
  const [platform = '', platformId = ''] = nodeId.split(':');
  if (!/^[a-z]+$/.test(platform) || !PLATFORM_ID.test(platformId)) {
    throw badUserInput(`\`${field}\` is not a Prospect id.`, field);
  }
  return { platform, platformId };
}

export function parsePlatformId(value: string, field: string): string {
  if (PLATFORM_ID.test(value)) return value;
  throw badUserInput(`\`${field}\` must be an X user id (a decimal string).`, field);
}

/** A message is identified by its thread and its id: v1 has no read by message id alone. */
export function messageNodeId(message: { threadId: string; id: string }): string {
  return `${message.threadId}:${message.id}`;
}

export function parseMessageId(value: string, field: string): { threadId: string; messageId: string } {
  const global = decodeNodeId(value);
  if (global?.typename === 'Message') {
    const [threadId = '', messageId = ''] = global.id.split(':');
    if (INBOX_ID.test(threadId) && INBOX_ID.test(messageId)) return { threadId, messageId };
  }
  throw badUserInput(`\`${field}\` must be a Message id (the global \`id\` of a Message).`, field);
}

export { encodeGlobalID };
