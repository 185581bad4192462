import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('configuration from the environment', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(4000);
    expect(config.INBOX_API_URL).toBe('https://inboxapp.com/api/v1');
    expect(config.GRAPHIQL_ENABLED).toBe(true);
  });

  it('keeps tags and statuses for minutes only when webhooks announce their changes, unless told', () => {
    expect(loadConfig({})).toMatchObject({
      COLLECTION_CACHE_TTL_MS: 30_000,
      announcedCollectionTtlMs: 30_000,
    });
    expect(loadConfig({ INBOX_WEBHOOK_SECRET: 'ibt_wh_secret' })).toMatchObject({
      COLLECTION_CACHE_TTL_MS: 30_000,
      announcedCollectionTtlMs: 300_000,
    });
    expect(
      loadConfig({ INBOX_WEBHOOK_SECRET: 'ibt_wh_secret', COLLECTION_CACHE_TTL_MS: '5000' }),
    ).toMatchObject({
      COLLECTION_CACHE_TTL_MS: 5_000,
      announcedCollectionTtlMs: 5_000,
    });
  });

  it('parses values and trims a trailing slash from the API URL', () => {
    const config = loadConfig({
      PORT: '8080',
      INBOX_API_URL: 'http://127.0.0.1:9/api/v1/',
      INBOX_TIMEOUT_MS: '2500',
      INBOX_MAX_RETRIES: '0',
      GRAPHIQL_ENABLED: 'false',
      INTROSPECTION_ENABLED: '0',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      INBOX_API_URL: 'http://127.0.0.1:9/api/v1',
      INBOX_TIMEOUT_MS: 2500,
      INBOX_MAX_RETRIES: 0,
      GRAPHIQL_ENABLED: false,
      INTROSPECTION_ENABLED: false,
      CORS_ORIGINS: ['https://a.example', 'https://b.example'],
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['INBOX_API_URL', 'not a url'],
    ['INBOX_API_URL', 'ftp://inboxapp.com'],
    ['INBOX_TIMEOUT_MS', '-1'],
    ['INBOX_MAX_RETRIES', '9'],
    ['LOG_LEVEL', 'loud'],
    ['GRAPHIQL_ENABLED', 'maybe'],
    ['INTROSPECTION_ENABLED', 'yes please'],
    ['MAX_FIELDS_PER_SELECTION', '0'],
    ['TRUST_PROXY', '-1'],
    ['HEADERS_TIMEOUT_MS', '60000'], // longer than REQUEST_TIMEOUT_MS (30 s): Node would refuse to start
  ])('rejects %s=%s with a message naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^Invalid ${variable}=`));
  });

  it('`npm start` with a bad value stops with one line naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, INBOX_TIMEOUT_MS: 'soon' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Invalid INBOX_TIMEOUT_MS="soon": /),
    ]);
  });
});
