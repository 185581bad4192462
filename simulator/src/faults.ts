interface FaultTarget {
  /** HTTP method to match; omitted = any. */
  method?: string;
  /** Path relative to /api/v1 (e.g. '/team' or /^\/threads\/[^/]+$/); omitted = any. */
  path?: string | RegExp;
  /** Matching calls the fault applies to; default 1, Infinity = until clearFaults(). */
  times?: number;
}

/** An upstream failure to emulate on the next matching calls. */
export type Fault =
  | (FaultTarget & { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> })
  | (FaultTarget & { kind: 'reset' })
  | (FaultTarget & { kind: 'slow'; delayMs: number })
  | (FaultTarget & { kind: 'brokenJson' });

interface ArmedFault {
  fault: Fault;
  remaining: number;
}

/** Faults in injection order; the first one matching a call is consumed. */
export class FaultQueue {
  private armed: ArmedFault[] = [];

  add(fault: Fault): void {
    const remaining = fault.times ?? 1;
    if (remaining > 0) this.armed.push({ fault, remaining });
  }

  clear(): void {
    this.armed = [];
  }

  take(method: string, path: string): Fault | undefined {
    const index = this.armed.findIndex(({ fault }) => matches(fault, method, path));
    const entry = this.armed[index];
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining <= 0) this.armed.splice(index, 1);
    return entry.fault;
  }
}

function matches(fault: Fault, method: string, path: string): boolean {
  if (fault.method !== undefined && fault.method.toUpperCase() !== method) return false;
  if (fault.path === undefined) return true;
  return typeof fault.path === 'string' ? fault.path === path : fault.path.test(path);
}
