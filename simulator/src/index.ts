import type { Fault } from './faults.js';
import { type RecordedCall, SimulatorServer } from './server.js';
import { SimulatorStore } from './store.js';

export type { Fault } from './faults.js';
export type { RecordedCall } from './server.js';
export type { EntityKind, SimulatorStore } from './store.js';
export type { CampaignLead, CampaignRules, CampaignState, ContactList, ListLead } from './team/campaigns.js';
export type { ProspectContextPatch } from './team/prospects.js';
export type { TeamState } from './team-state.js';
export { DEMO_ALT_TOKEN, DEMO_TOKEN, SECOND_TEAM_TOKEN } from './tokens.js';

export interface SimulatorOptions {
  /** Default 0: a random free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 300, per team (all tokens of a team share it), sliding 60 s window. */
  rateLimitPerMinute?: number;
  /** Default 0: added before every response (benchmarks emulate a real upstream). */
  latencyMs?: number;
}

export interface Simulator {
  /** Base URL, e.g. 'http://127.0.0.1:43123/api/v1'. */
  readonly url: string;
  /** Every request that reached the server, in arrival order (faulted ones too). */
  readonly calls: RecordedCall[];
  resetCalls(): void;
  /** Faults apply to matching calls in injection order; see Fault. */
  injectFault(fault: Fault): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  setRateLimit(perMinute: number): void;
  resetRateLimits(): void;
  /** The in-memory state the endpoints serve (see TeamState for the collections). */
  readonly store: SimulatorStore;
  /** Closes the server and every keep-alive socket promptly. */
  close(): Promise<void>;
}

/** Starts an Inbox v1 API simulator seeded with the same deterministic data on every start. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const store = new SimulatorStore();
  const server = new SimulatorServer(store, {
    rateLimitPerMinute: options.rateLimitPerMinute ?? 300,
    latencyMs: options.latencyMs ?? 0,
  });
  const host = options.host ?? '127.0.0.1';
  const port = await server.listen(options.port ?? 0, host);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/api/v1`,
    calls: server.calls,
    resetCalls: () => {
      // In place, so references to `calls` stay live.
      server.calls.length = 0;
    },
    injectFault: (fault) => server.faults.add(fault),
    clearFaults: () => server.faults.clear(),
    setLatency: (ms) => {
      server.latencyMs = ms;
    },
    setRateLimit: (perMinute) => {
      server.limiter.limit = perMinute;
    },
    resetRateLimits: () => server.limiter.reset(),
    store,
    close: () => server.close(),
  };
}
