import { type Plugin, useReadinessCheck } from 'graphql-yoga';

const READINESS_PATH = '/readiness';

export interface ReadinessChecks {
  /** The upstream answers HTTP. */
  upstream(): Promise<boolean>;
  /** The shared Redis, when one is configured: up, or down (the replica then works alone, degraded). */
  redis?: () => boolean;
  /** A graceful shutdown has begun: load balancers should stop sending requests here. */
  shuttingDown?: () => boolean;
}

/**
 * GET /readiness: 200 while the upstream answers HTTP, 503 otherwise; the body says what each dependency is
 * doing (`{"upstream":"ok","redis":"degraded"}`). A Redis outage leaves the replica ready (it serves alone,
 * with local caches and budget) but is reported. The upstream's answer (and a check in flight) is reused for
 * `cacheMs`, so that however often it is probed, it costs the upstream one call per period. From the start of
 * a graceful shutdown it answers 503 with `shuttingDown: true` at once, without asking the upstream (a probe
 * must not wait on a slow upstream then): `upstream` is the last answer known, else `unknown`.
 */
export function useReadiness(checks: ReadinessChecks, cacheMs: number): Plugin {
  let last: { answer: Promise<boolean>; until: number } | undefined;
  let lastKnown: boolean | undefined;
  const upstream = () => {
    const now = Date.now();
    if (!last || last.until <= now) {
      const answer = checks.upstream();
      answer.then(
        (reachable) => {
          lastKnown = reachable;
        },
        () => undefined,
      );
      last = { answer, until: now + cacheMs };
    }
    return last.answer;
  };
  const readiness = useReadinessCheck({
    endpoint: READINESS_PATH,
    check: async ({ fetchAPI }) => {
      const redis = checks.redis === undefined ? 'off' : checks.redis() ? 'ok' : 'degraded';
      if (checks.shuttingDown?.()) {
        const known = lastKnown === undefined ? 'unknown' : lastKnown ? 'ok' : 'unreachable';
        return fetchAPI.Response.json({ upstream: known, redis, shuttingDown: true }, { status: 503 });
      }
      const reachable = await upstream();
      const shuttingDown = checks.shuttingDown?.() ?? false;
      const body = {
        upstream: reachable ? 'ok' : 'unreachable',
        redis,
        ...(shuttingDown ? { shuttingDown } : {}),
      };
      return fetchAPI.Response.json(body, { status: reachable && !shuttingDown ? 200 : 503 });
    },
  });
  return {
    ...readiness,
    // Yoga's check also tests every other request against a URLPattern (about 6 µs each); the path is fixed.
    onRequest: (payload) =>
      payload.url.pathname === READINESS_PATH ? readiness.onRequest?.(payload) : undefined,
  };
}
