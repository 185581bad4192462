import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FormattedExecutionResult, GraphQLScalarType } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressRateLimiter } from '../../src/edge/address-rate-limit.js';
import { serveGraphQLOverWebSocket, type WebSocketService } from '../../src/edge/graphql-ws.js';
import {
  UNSERIALIZABLE_MESSAGE,
  useSubscriptionsEndOnUnserializableEvents,
} from '../../src/live/serializable-events.js';
import { type Served, sseSubscribe, until, wsClient } from '../support/live.js';

/**
 * The guard behind the event bounds: a subscription whose next result no transport can serialise ends alone,
 * with an UNSERIALIZABLE_EVENT error, over SSE and over WebSocket; the process, the other subscriptions and
 * (over WebSocket) the other operations of the same socket carry on. Events are bounded where they come in,
 * so no Inbox event can reach this; the schema here yields a BigInt, which `JSON.stringify` refuses, through
 * the facade's own WebSocket serving and the guard plugin, on a Yoga server over real HTTP.
 */

let running = 0;
const schema = createSchema({
  typeDefs: /* GraphQL */ `
    scalar JSON
    type Query { ok: Boolean }
    type Subscription { values(unserializableAt: Int): JSON }
  `,
  resolvers: {
    JSON: new GraphQLScalarType({ name: 'JSON', serialize: (value) => value }),
    Subscription: {
      values: {
        async *subscribe(_root: unknown, { unserializableAt }: { unserializableAt?: number | null }) {
          running++;
          try {
            for (let index = 0; ; index++) {
              yield { values: index === unserializableAt ? { index: BigInt(index) } : { index } };
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
          } finally {
            running--;
          }
        },
      },
    },
  },
});

const BAD = 'subscription { values(unserializableAt: 2) }';
const GOOD = 'subscription { values }';

describe('a subscription result that cannot be serialised', () => {
  let server: Server;
  let webSockets: WebSocketService;
  let served: Served;
  beforeAll(async () => {
    const yoga = createYoga({ schema, plugins: [useSubscriptionsEndOnUnserializableEvents()] });
    server = createServer(yoga);
    webSockets = serveGraphQLOverWebSocket(server, {
      yoga: yoga as never,
      origins: ['*'],
      maxMessageBytes: 262_144,
      unauthenticated: new AddressRateLimiter(1_000),
      trustedProxies: 0,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    served = { server: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } };
  });
  afterAll(async () => {
    await webSockets.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('over SSE, ends that subscription with UNSERIALIZABLE_EVENT; another one goes on', async () => {
    const good = sseSubscribe(served, GOOD);
    const bad = sseSubscribe(served, BAD);
    try {
      await until(() => bad.ended(), 'the bad subscription ended');
      expect(bad.payloads).toEqual([
        { data: { values: { index: 0 } } },
        { data: { values: { index: 1 } } },
        {
          errors: [
            expect.objectContaining({
              message: UNSERIALIZABLE_MESSAGE,
              extensions: { code: 'UNSERIALIZABLE_EVENT' },
            }),
          ],
        },
      ]);
      const seen = good.payloads.length;
      await until(() => good.payloads.length >= seen + 3, 'three more values for the other subscription');
      expect(good.ended()).toBe(false);
      expect((await fetch(`${served.server.url}/graphql?query=${encodeURIComponent('{ ok }')}`)).status).toBe(
        200,
      );
    } finally {
      good.leave();
      bad.leave();
    }
    await until(() => running === 0, 'both sources ended');
  });

  it('over WebSocket, ends that operation alone: the other one on the same socket goes on', async () => {
    const client = wsClient(served, { authorization: 'Bearer a-token' });
    const good: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
    const bad: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
    let badEnded = false;
    let goodEnded = false;
    const leaveGood = client.subscribe(
      { query: GOOD },
      {
        next: (value) => good.push(value),
        error: () => (goodEnded = true),
        complete: () => (goodEnded = true),
      },
    );
    client.subscribe(
      { query: BAD },
      { next: (value) => bad.push(value), error: () => (badEnded = true), complete: () => (badEnded = true) },
    );
    try {
      await until(() => badEnded, 'the bad operation ended');
      expect(bad.at(-1)).toEqual({
        errors: [
          expect.objectContaining({
            message: UNSERIALIZABLE_MESSAGE,
            extensions: { code: 'UNSERIALIZABLE_EVENT' },
          }),
        ],
      });
      const seen = good.length;
      await until(() => good.length >= seen + 3, 'three more values on the same socket');
      expect(goodEnded).toBe(false);
    } finally {
      leaveGood();
      await client.dispose();
    }
    await until(() => running === 0, 'both sources ended');
  });
});
