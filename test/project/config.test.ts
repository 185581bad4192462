import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DIST_MAIN } from '../support/facade-process.js';

const TEAM_A = 'gdrns5dt58umixdb4yewc6pn';
const TEAM_B = 'vfhymvt98t6zkeka0pecvvj1';

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
    expect(loadConfig({ INBOX_WEBHOOK_SECRETS: `${TEAM_A}:ibt_wh_secret` })).toMatchObject({
      COLLECTION_CACHE_TTL_MS: 30_000,
      announcedCollectionTtlMs: 300_000,
    });
    expect(
      loadConfig({ INBOX_WEBHOOK_SECRETS: `${TEAM_A}:ibt_wh_secret`, COLLECTION_CACHE_TTL_MS: '5000' }),
    ).toMatchObject({
      COLLECTION_CACHE_TTL_MS: 5_000,
      announcedCollectionTtlMs: 5_000,
    });
  });

  it('binds webhook secrets to teams: one per team, or the one secret with the teams it may speak for', () => {
    const perTeam = loadConfig({
      INBOX_WEBHOOK_SECRETS: ` ${TEAM_A}:ibt_wh_a:with:colons , ${TEAM_B}:ibt_wh_b,${TEAM_B}:ibt_wh_b_next `,
    });
    expect(perTeam.INBOX_WEBHOOK_SECRETS).toEqual(
      new Map([
        [TEAM_A, ['ibt_wh_a:with:colons']],
        [TEAM_B, ['ibt_wh_b', 'ibt_wh_b_next']],
      ]),
    );
    expect(
      loadConfig({ INBOX_WEBHOOK_SECRET: 'ibt_wh_shared', INBOX_WEBHOOK_TEAMS: `${TEAM_A},${TEAM_B}` }),
    ).toMatchObject({ INBOX_WEBHOOK_SECRET: 'ibt_wh_shared', INBOX_WEBHOOK_TEAMS: [TEAM_A, TEAM_B] });
  });

  it.each([
    [{ INBOX_WEBHOOK_SECRET: 'ibt_wh_shared' }, 'INBOX_WEBHOOK_SECRET', /INBOX_WEBHOOK_TEAMS/],
    [{ INBOX_WEBHOOK_TEAMS: TEAM_A }, 'INBOX_WEBHOOK_TEAMS', /INBOX_WEBHOOK_SECRET/],
    [
      { INBOX_WEBHOOK_SECRET: 'ibt_wh_shared', INBOX_WEBHOOK_TEAMS: 'Team-A' },
      'INBOX_WEBHOOK_TEAMS',
      /team ids/,
    ],
    [{ INBOX_WEBHOOK_SECRETS: 'ibt_wh_no_team' }, 'INBOX_WEBHOOK_SECRETS', /teamId:secret/],
    [{ INBOX_WEBHOOK_SECRETS: `${TEAM_A}:short` }, 'INBOX_WEBHOOK_SECRETS', /teamId:secret/],
    [{ INBOX_WEBHOOK_SECRETS: '../x:ibt_wh_secret' }, 'INBOX_WEBHOOK_SECRETS', /teamId:secret/],
  ])('refuses %j, naming %s and never repeating a secret', (environment, variable, reason) => {
    const refusal = (() => {
      try {
        loadConfig(environment);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    })();
    expect(refusal).toMatch(new RegExp(`^Invalid ${variable}=`));
    expect(refusal).toMatch(reason);
    expect(refusal).not.toMatch(/ibt_wh|short/);
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
    const result = spawnSync(process.execPath, [DIST_MAIN], {
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
