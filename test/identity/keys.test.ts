import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config.js';
import { keyMaterial } from '../../src/identity/key-material.js';
import { Seal } from '../../src/identity/seal.js';
import { TokenKeys } from '../../src/identity/token-key.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

describe('the keys', () => {
  it('name a token by an HMAC: never the token, the same under one secret, another under another or none', () => {
    const keys = new TokenKeys(keyMaterial(SECRET).tokenKey);
    const key = keys.keyOf('secret-token');
    expect(key).not.toContain('secret-token');
    expect(key).toBe(new TokenKeys(keyMaterial(SECRET).tokenKey).keyOf('secret-token'));
    expect(key).not.toBe(keys.keyOf('secret-token2'));
    expect(key).not.toBe(new TokenKeys(keyMaterial(`${SECRET}!`).tokenKey).keyOf('secret-token'));
    // Without a secret, random per process.
    expect(new TokenKeys(keyMaterial(undefined).tokenKey).keyOf('secret-token')).not.toBe(
      new TokenKeys(keyMaterial(undefined).tokenKey).keyOf('secret-token'),
    );
  });

  it('derive one key per purpose', () => {
    const { tokenKey, sealKey } = keyMaterial(SECRET);
    expect(tokenKey.equals(sealKey)).toBe(false);
  });
});

describe('the seal', () => {
  const seal = new Seal(keyMaterial(SECRET).sealKey);
  const shape = z.object({ teamId: z.string() });

  it('opens what it sealed, for the same context only', () => {
    const sealed = seal.seal({ teamId: 'team-b' }, 'prefix:token-team:abc');
    expect(seal.open(sealed, 'prefix:token-team:abc', shape)).toEqual({ teamId: 'team-b' });
    expect(seal.open(sealed, 'prefix:token-team:xyz', shape)).toBeUndefined();
    expect(seal.open(sealed, 'other-prefix:token-team:abc', shape)).toBeUndefined();
  });

  it('takes anything altered, unsealed, sealed under another secret or of another shape for absent', () => {
    const context = 'prefix:token-team:abc';
    const sealed = seal.seal({ teamId: 'team-b' }, context);
    const altered = sealed.replace('team-b', 'team-a');
    const other = new Seal(keyMaterial(`${SECRET}!`).sealKey).seal({ teamId: 'team-a' }, context);
    for (const candidate of [altered, '{"teamId":"team-a"}', other, 's1.', 42, null, undefined]) {
      expect(seal.open(candidate, context, shape)).toBeUndefined();
    }
    expect(seal.open(seal.seal({ team: 'b' }, context), context, shape)).toBeUndefined();
    expect(seal.openText(seal.sealText('not json', context), context)).toBe('not json');
  });
});

describe('FACADE_SECRET', () => {
  it('is required with REDIS_URL, optional without, and never echoed', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      'Missing FACADE_SECRET: required when REDIS_URL is set',
    );
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', FACADE_SECRET: SECRET }).FACADE_SECRET).toBe(
      SECRET,
    );
    expect(loadConfig({}).FACADE_SECRET).toBeUndefined();
    expect(() => loadConfig({ FACADE_SECRET: 'short-secret' })).toThrow(
      /^Invalid FACADE_SECRET=\(hidden\): /,
    );
    expect(() => loadConfig({ FACADE_SECRET: 'short-secret' })).not.toThrow(/short-secret/);
  });
});
