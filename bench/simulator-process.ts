import { DEMO_TOKEN, startSimulator, type TeamState } from '../simulator/src/index.js';
import { processStats, serveParent } from './ipc.js';
import type { ScenarioIds } from './scenarios.js';

/**
 * The embedded Inbox API in its own process, so serving upstream calls never shares an event loop
 * with the facade or the load generator. Usage: simulator-process.ts <latencyMs>
 */
export interface SimulatorReady {
  url: string;
  ids: ScenarioIds;
}

/** Screens worth opening: every join has something to show. */
function pickIds(team: TeamState): ScenarioIds {
  const rich = team.threads.filter(
    (thread) =>
      thread.assigneeId !== null &&
      thread.prospect.context.statusId !== null &&
      thread.prospect.context.tags.length > 0,
  );
  const thread = rich.find((candidate) => (team.messagesByThread.get(candidate.id)?.length ?? 0) >= 50);
  const prospect = rich.find(
    (candidate) => candidate.prospect.externalId && team.threadsOf(candidate.prospect.externalId).length >= 2,
  );
  if (!thread || !prospect?.prospect.externalId) throw new Error('the seed has no thread/prospect to open');
  return { threadId: thread.id, prospectId: prospect.prospect.externalId };
}

const simulator = await startSimulator({ rateLimitPerMinute: 1e9, latencyMs: Number(process.argv[2] ?? 0) });
const team = simulator.store.teamByToken(DEMO_TOKEN);
if (!team) throw new Error('the simulator has no demo team');

serveParent({ url: simulator.url, ids: pickIds(team) } satisfies SimulatorReady, {
  /** Upstream calls since the last question, as "GET /threads/{id}" lines. */
  takeCalls: () => {
    const calls = simulator.calls.map((call) => `${call.method} ${call.path}`);
    simulator.resetCalls();
    return calls;
  },
  stats: processStats,
});
