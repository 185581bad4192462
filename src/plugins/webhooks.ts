import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { LiveEvents } from '../events/live.js';
import type { InboxEvent } from '../inbox/types.js';

export const WEBHOOK_PATH = '/webhooks/inbox';
/** Signatures older (or newer) than this are refused, against replays (Inbox documents ~5 minutes). */
const TOLERANCE_SECONDS = 300;

const envelope = z.object({
  id: z.string().min(1),
  seq: z.number().int().nonnegative(),
  teamId: z.string().min(1),
  type: z.string().min(1),
  timestamp: z.string(),
  version: z.literal('1.0'),
  data: z.unknown().optional(),
});

/**
 * `X-Inbox-Signature: t=<unix seconds>,v1=<hex>` with v1 = HMAC-SHA256(secret, "<t>.<raw body>"),
 * compared in constant time, within the tolerance.
 */
export function verifySignature(
  secret: string,
  header: string | null,
  rawBody: string,
  nowSeconds: number,
): boolean {
  const parts = Object.fromEntries(
    (header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]),
  );
  const timestamp = Number(parts.t);
  const signature = parts.v1;
  if (!Number.isInteger(timestamp) || !signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/** The header a sender computes: used by tests and by anyone replaying events into the facade. */
export function signWebhook(secret: string, rawBody: string, nowSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${nowSeconds}.${rawBody}`).digest('hex');
  return `t=${nowSeconds},v1=${v1}`;
}

/**
 * POST /webhooks/inbox: signed Inbox webhooks feed the `inboxEvents` subscription. Without
 * INBOX_WEBHOOK_SECRET the endpoint does not exist (404): unsigned events are never accepted.
 */
/**
 * The body as text, read chunk by chunk and abandoned as soon as it passes `maxBytes` (`null` then): a chunked
 * body without Content-Length is counted as it arrives, never buffered whole.
 */
export async function readBodyWithin(request: Request, maxBytes: number): Promise<string | null> {
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return null;
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

type OnRequestPayload = Parameters<NonNullable<Plugin['onRequest']>>[0];

export function useInboxWebhooks({
  secret,
  events,
  logger,
  maxBodyBytes,
}: {
  secret?: string;
  events: LiveEvents;
  logger: Logger;
  /** MAX_BODY_BYTES. */
  maxBodyBytes: number;
}): Plugin {
  return {
    // Synchronous for every other request: an async hook would make each one's whole plugin chain wait a turn.
    onRequest: (payload) => (payload.url.pathname === WEBHOOK_PATH ? receive(payload) : undefined),
  };

  async function receive({ request, endResponse, fetchAPI }: OnRequestPayload) {
    const answer = (status: number, body: Record<string, unknown>) =>
      endResponse(fetchAPI.Response.json(body, { status }));
    if (!secret) return answer(404, { error: 'Webhooks are off: set INBOX_WEBHOOK_SECRET.' });
    if (request.method !== 'POST') return answer(405, { error: 'POST only.' });
    const rawBody = await readBodyWithin(request, maxBodyBytes);
    if (rawBody === null) return answer(413, { error: 'Too large for an Inbox event (MAX_BODY_BYTES).' });
    const signature = request.headers.get('x-inbox-signature');
    if (!verifySignature(secret, signature, rawBody, Math.floor(Date.now() / 1000))) {
      logger.warn('refused an Inbox webhook with a bad or stale signature');
      return answer(401, { error: 'Bad or stale X-Inbox-Signature.' });
    }
    let event: InboxEvent;
    try {
      event = envelope.parse(JSON.parse(rawBody)) as InboxEvent;
    } catch {
      return answer(400, { error: 'Not an Inbox event envelope.' });
    }
    const delivered = await events.publish(event);
    logger.debug({ type: event.type, seq: event.seq, delivered }, 'inbox webhook');
    return answer(200, { received: true, duplicate: !delivered });
  }
}
