import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';

/**
 * What replicas exchange through Redis (cached collections and answers, proofs of team, records of writes,
 * change and event messages), sealed with an HMAC under a key Redis never holds (derived from FACADE_SECRET).
 * Whoever can write to Redis cannot forge a value, nor move one to another key or channel (the seal binds it
 * to where it was written); what does not open reads as absent.
 *
 * Format: `s1.<HMAC-SHA256(key, length:context payload), base64url>.<payload>`. The payload stays readable: the
 * seal is about integrity, not secrecy (Redis holds team data either way; protect it with ACLs and TLS).
 */
const VERSION = 's1.';
const MAC_LENGTH = 43; // a SHA-256 digest in base64url, unpadded

export class Seal {
  constructor(private readonly key: Buffer) {}

  /** `value` as JSON, sealed for `context` (the Redis key or channel it is written to). */
  seal(value: unknown, context: string): string {
    return this.sealText(JSON.stringify(value), context);
  }

  sealText(payload: string, context: string): string {
    return `${VERSION}${this.mac(payload, context)}.${payload}`;
  }

  /** The value sealed for `context`, if the seal holds and the value has the expected shape. */
  open<T>(sealed: unknown, context: string, schema: z.ZodType<T>): T | undefined {
    const payload = this.openText(sealed, context);
    if (payload === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(payload);
    } catch {
      return undefined;
    }
    const checked = schema.safeParse(value);
    return checked.success ? checked.data : undefined;
  }

  /** The payload sealed for `context`, if the seal holds; anything else (unsealed, altered, moved) is absent. */
  openText(sealed: unknown, context: string): string | undefined {
    if (typeof sealed !== 'string' || !sealed.startsWith(VERSION)) return undefined;
    const macEnd = VERSION.length + MAC_LENGTH;
    if (sealed.charAt(macEnd) !== '.') return undefined;
    const payload = sealed.slice(macEnd + 1);
    const expected = Buffer.from(this.mac(payload, context));
    const given = Buffer.from(sealed.slice(VERSION.length, macEnd));
    return given.length === expected.length && timingSafeEqual(given, expected) ? payload : undefined;
  }

  private mac(payload: string, context: string): string {
    // The context's length first: no context and payload pair can read as another.
    return createHmac('sha256', this.key)
      .update(`${Buffer.byteLength(context)}:${context}`)
      .update(payload)
      .digest('base64url');
  }
}
