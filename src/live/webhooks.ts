import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { admitEvent, MAX_EVENT_BYTES } from './envelope.js';
import type { LiveEvents } from './live-events.js';
import type { WebhookActivity } from './webhook-activity.js';
import { readSignature, signWebhook, teamIdsNamedIn, type WebhookTrust } from './webhook-trust.js';

export { signWebhook };

export const WEBHOOK_PATH = '/webhooks/inbox';

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

/**
 * POST /webhooks/inbox: signed Inbox webhooks feed the live events of the team their envelope names, and
 * only when signed with one of that team's secrets (src/live/webhook-trust.ts). Without any secret the
 * endpoint does not exist (404): unsigned events are never accepted. Refusals: 405 (not a POST), 413 (a body
 * over MAX_BODY_BYTES), 401 (a missing, malformed or stale signature, or none by a secret of the named team),
 * 403 (the shared secret, for a team it may not speak for), 400 (not an envelope), 413 (an envelope beyond
 * the event bounds of src/live/envelope.ts).
 */
export function useInboxWebhooks({
  trust,
  activity,
  events,
  logger,
  maxBodyBytes,
}: {
  trust: WebhookTrust;
  /** Told of each verified webhook: the team's poller pauses while they arrive. */
  activity: WebhookActivity;
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
    if (!trust.enabled) {
      return answer(404, { error: 'Webhooks are off: set INBOX_WEBHOOK_SECRETS (teamId:secret,…).' });
    }
    if (request.method !== 'POST') return answer(405, { error: 'POST only.' });
    const rawBody = await readBodyWithin(request, Math.min(maxBodyBytes, MAX_EVENT_BYTES));
    if (rawBody === null) return answer(413, { error: 'Too large for an Inbox event.' });
    // The signature before anything reads the body: whoever holds no secret of the team costs a hash at most.
    const signature = readSignature(request.headers.get('x-inbox-signature'), Math.floor(Date.now() / 1000));
    if (!signature) return refuseSignature();
    const signedFor = teamIdsNamedIn(rawBody).filter((teamId) => trust.verify(teamId, signature, rawBody));
    if (signedFor.length === 0) {
      if (!trust.signedWithSharedSecret(signature, rawBody)) return refuseSignature();
      logger.warn('refused an Inbox webhook for a team its secret may not speak for');
      return answer(403, {
        error: 'This secret may not speak for the team the event names (INBOX_WEBHOOK_TEAMS).',
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return answer(400, { error: 'Not an Inbox event envelope (not JSON).' });
    }
    // Bounded before anything else reads it: an event too deep for a subscriber's serialiser never gets in.
    const admission = admitEvent(body, Buffer.byteLength(rawBody));
    if ('refusal' in admission) return answer(admission.tooLarge ? 413 : 400, { error: admission.refusal });
    const { event } = admission;
    // Signed for a team its payload names, but the envelope names another one.
    if (!signedFor.includes(event.teamId)) return refuseSignature();
    await activity.heard(event.teamId, event.seq);
    const delivered = await events.publish(event);
    logger.debug({ type: event.type, seq: event.seq, delivered }, 'inbox webhook');
    return answer(200, { received: true, duplicate: !delivered });

    function refuseSignature() {
      logger.warn('refused an Inbox webhook with a bad or stale signature');
      return answer(401, { error: 'Bad or stale X-Inbox-Signature for the team the event names.' });
    }
  }
}
