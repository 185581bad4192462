import { hkdfSync, randomBytes } from 'node:crypto';

/**
 * The facade's keys, derived from FACADE_SECRET (HKDF-SHA256, one key per purpose), or random per process
 * without it. Never stored anywhere, Redis included: replicas agree on them because they share the secret,
 * so a Redis that loses its data (or is written to by someone else) cannot change how a token is named, nor
 * forge what the replicas sealed.
 */
export interface KeyMaterial {
  /** Key of the token HMAC: a token's only name in caches, records, Redis and logs. */
  readonly tokenKey: Buffer;
  /** Key of the seal on what replicas exchange through Redis (src/identity/seal.ts). */
  readonly sealKey: Buffer;
  /** Derived from a configured secret: another process with the same secret has the same keys. */
  readonly configured: boolean;
}

const SALT = 'inbox-graphql-facade';

export function keyMaterial(secret: string | undefined): KeyMaterial {
  const input = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', input, SALT, purpose, 32));
  return {
    tokenKey: derive('token-key/v1'),
    sealKey: derive('redis-seal/v1'),
    configured: secret !== undefined,
  };
}
