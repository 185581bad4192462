export interface RateLimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the next slot frees up. */
  resetAt: number;
  /** Seconds until a request would be accepted (meaningful when not allowed). */
  retryAfter: number;
}

const WINDOW_MS = 60_000;

/** Accepted-request times of one team, oldest first (a queue; `head` skips expired entries). */
class Window {
  private hits: number[] = [];
  private head = 0;

  count(now: number): number {
    while (this.head < this.hits.length && (this.hits[this.head] as number) <= now - WINDOW_MS) this.head++;
    if (this.head > 1024 && this.head * 2 > this.hits.length) {
      this.hits = this.hits.slice(this.head);
      this.head = 0;
    }
    return this.hits.length - this.head;
  }

  add(now: number): void {
    this.hits.push(now);
  }

  /** Time of the n-th oldest live hit (0-based). */
  hit(n: number): number | undefined {
    return this.hits[this.head + n];
  }
}

/** Sliding 60 s window per team: rejected requests don't count, every token of a team shares the budget. */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(public limit: number) {}

  /** Counts the request when it fits in the window. */
  acquire(key: string, now: number): RateLimitState {
    const window = this.window(key);
    const used = window.count(now);
    if (used < this.limit) window.add(now);
    return this.state(window, used < this.limit, now);
  }

  /** The window as it stands, without counting a request. */
  peek(key: string | null, now: number): RateLimitState {
    if (key === null) return this.state(new Window(), true, now);
    const window = this.window(key);
    window.count(now);
    return this.state(window, true, now);
  }

  reset(): void {
    this.windows.clear();
  }

  private window(key: string): Window {
    let window = this.windows.get(key);
    if (!window) {
      window = new Window();
      this.windows.set(key, window);
    }
    return window;
  }

  private state(window: Window, allowed: boolean, now: number): RateLimitState {
    const used = window.count(now);
    // The slot that frees next for a new request: enough hits must expire to drop below the limit.
    const blocking = window.hit(Math.max(0, used - this.limit));
    const freesAt = blocking === undefined ? now + WINDOW_MS : blocking + WINDOW_MS;
    return {
      allowed,
      limit: this.limit,
      remaining: Math.max(0, this.limit - used),
      resetAt: Math.ceil(freesAt / 1000),
      retryAfter: Math.max(1, Math.ceil((freesAt - now) / 1000)),
    };
  }
}
