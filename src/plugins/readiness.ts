import { type Plugin, useReadinessCheck } from 'graphql-yoga';

/**
 * GET /readiness: 200 while the upstream answers HTTP, 503 otherwise. The answer (and a check in flight) is
 * reused for `cacheMs`, so that however often it is probed, it costs the upstream one call per period.
 */
export function useReadiness(check: () => Promise<boolean>, cacheMs: number): Plugin {
  let last: { answer: Promise<boolean>; until: number } | undefined;
  const cached = () => {
    const now = Date.now();
    if (!last || last.until <= now) last = { answer: check(), until: now + cacheMs };
    return last.answer;
  };
  return useReadinessCheck({ endpoint: '/readiness', check: cached });
}
