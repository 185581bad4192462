import { createHmac } from 'node:crypto';

/** Names a token by its HMAC: stable for a key, not reversible, not computable without the key. */
export class TokenKeys {
  constructor(private readonly key: Buffer) {}

  keyOf(token: string): string {
    return createHmac('sha256', this.key).update(token).digest('base64url');
  }
}
