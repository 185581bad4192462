import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signatures older (or newer) than this are refused, against replays (Inbox documents ~5 minutes). */
const TOLERANCE_SECONDS = 300;

/** `X-Inbox-Signature: t=<unix seconds>,v1=<hex>`, read but not yet checked against any secret. */
export interface Signature {
  timestamp: number;
  digest: Buffer;
}

/** The header's signature, or `null` when it is missing, malformed, or outside the tolerance. */
export function readSignature(header: string | null, nowSeconds: number): Signature | null {
  const parts = Object.fromEntries(
    (header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]),
  );
  const timestamp = Number(parts.t);
  const signature = parts.v1;
  if (!Number.isInteger(timestamp) || !signature || !/^[0-9a-f]{64}$/i.test(signature)) return null;
  if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return null;
  return { timestamp, digest: Buffer.from(signature, 'hex') };
}

/** v1 = HMAC-SHA256(secret, "<t>.<raw body>"), compared in constant time. */
function signedWith(secret: string, { timestamp, digest }: Signature, rawBody: string): boolean {
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest();
  return timingSafeEqual(expected, digest);
}

/** The header a sender computes: used by tests and by anyone replaying events into the facade. */
export function signWebhook(secret: string, rawBody: string, nowSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${nowSeconds}.${rawBody}`).digest('hex');
  return `t=${nowSeconds},v1=${v1}`;
}

export interface WebhookSecrets {
  /** INBOX_WEBHOOK_SECRETS: each team's own secrets. */
  byTeam: ReadonlyMap<string, readonly string[]>;
  /** INBOX_WEBHOOK_SECRET, and the teams it may speak for (INBOX_WEBHOOK_TEAMS). */
  shared?: { secret: string; teams: readonly string[] };
}

/**
 * `verified`: signed with a secret of the team the envelope names. `other team`: signed with the shared
 * secret, for a team it may not speak for. `unsigned`: signed with no secret that may speak for the team.
 */
export type Verdict = 'verified' | 'other team' | 'unsigned';

/**
 * Which secret may speak for which team. A webhook is trusted for the team its envelope names only when it
 * is signed with one of that team's secrets: a secret never vouches for another team's events.
 */
export class WebhookTrust {
  private readonly secretsOf = new Map<string, string[]>();
  private readonly shared: string | undefined;

  constructor({ byTeam, shared }: WebhookSecrets) {
    for (const [teamId, secrets] of byTeam) this.secretsOf.set(teamId, [...secrets]);
    for (const teamId of shared?.teams ?? []) {
      this.secretsOf.set(teamId, [...(this.secretsOf.get(teamId) ?? []), shared?.secret as string]);
    }
    this.shared = shared?.secret;
  }

  /** Some team has a secret: POST /webhooks/inbox exists. */
  get enabled(): boolean {
    return this.secretsOf.size > 0;
  }

  /** Checks the signature with the secrets of `teamId` only (one HMAC per secret of that team). */
  verify(teamId: string, signature: Signature, rawBody: string): Verdict {
    const secrets = this.secretsOf.get(teamId) ?? [];
    for (const secret of secrets) if (signedWith(secret, signature, rawBody)) return 'verified';
    // Only to say so: the one shared secret is valid, but not for this team (INBOX_WEBHOOK_TEAMS).
    const shared = this.shared;
    if (shared !== undefined && !secrets.includes(shared) && signedWith(shared, signature, rawBody)) {
      return 'other team';
    }
    return 'unsigned';
  }
}
