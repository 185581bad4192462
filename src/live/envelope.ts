import { z } from 'zod';
import { INBOX_ID } from '../graphql/ids.js';
import { beyondJsonBounds } from '../graphql/json-input.js';
import type { InboxEvent } from '../upstream/types.js';

/** An Inbox event is a few KB; nothing legitimate comes near this. */
export const MAX_EVENT_BYTES = 1_048_576;

/**
 * The envelope's own fields, each as narrow as the Inbox makes them: the team id is an Inbox id (it names Redis
 * keys and channels), the event id a short key (it names a Redis key, never a path). Unknown fields are dropped.
 */
const envelope = z.object({
  id: z.string().regex(/^[\w.:-]{1,128}$/),
  seq: z.number().int().nonnegative(),
  teamId: z.string().regex(INBOX_ID),
  type: z.string().regex(/^[A-Za-z][\w.]{0,63}$/),
  timestamp: z
    .string()
    .max(64)
    .refine((text) => !Number.isNaN(Date.parse(text))),
  version: z.literal('1.0'),
  data: z.unknown().optional(),
});

export type Admission =
  | { event: InboxEvent }
  /** `tooLarge`: over MAX_EVENT_BYTES, or its `data` beyond the JSON bounds; else not an envelope. */
  | { refusal: string; tooLarge: boolean };

/**
 * An event from anywhere (a webhook, a page of `GET /events`, another replica through Redis) is hostile until
 * admitted here: an envelope whose `data` holds at most MAX_JSON_DEPTH levels and MAX_JSON_VALUES values, as
 * every JSON input (src/graphql/json-input.ts), and at most MAX_EVENT_BYTES in all. What is admitted can be
 * serialised for any subscriber without overflowing the stack. `bytes`: its size when known (a body, a message).
 */
export function admitEvent(value: unknown, bytes?: number): Admission {
  const parsed = envelope.safeParse(value);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'envelope';
    return { refusal: `Not an Inbox event envelope (\`${field}\`).`, tooLarge: false };
  }
  const beyond = beyondJsonBounds(parsed.data.data);
  if (beyond) return { refusal: `An event's \`data\` may not hold ${beyond}.`, tooLarge: true };
  const size = bytes ?? Buffer.byteLength(JSON.stringify(parsed.data));
  if (size > MAX_EVENT_BYTES) {
    return { refusal: `An event may not be larger than ${MAX_EVENT_BYTES} bytes.`, tooLarge: true };
  }
  return { event: parsed.data as InboxEvent };
}

/**
 * A page of a team's log with only the events that are admitted and name the team; `lastSeq` and `hasMore`
 * stay as read, so that the reader moves past what was dropped. `dropped` is told each one.
 */
export function admittedPage<Page extends { events: InboxEvent[] }>(
  page: Page,
  teamId: string | undefined,
  dropped: (refusal: string) => void,
): Page {
  const events: InboxEvent[] = [];
  for (const candidate of page.events) {
    const admission = admitEvent(candidate);
    if ('refusal' in admission) dropped(admission.refusal);
    else if (teamId !== undefined && admission.event.teamId !== teamId) dropped('Another team’s event.');
    else events.push(admission.event);
  }
  return events.length === page.events.length ? page : { ...page, events };
}
