/**
 * Strictly increasing wall clock shared by all teams. Every write gets a unique timestamp later than all
 * seeded data, even when the machine clock is behind the seed date, so keyset ordering stays total.
 */
export class Clock {
  private lastMs: number;

  constructor(floorMs: number) {
    this.lastMs = floorMs;
  }

  nowMs(): number {
    this.lastMs = Math.max(Date.now(), this.lastMs + 1);
    return this.lastMs;
  }

  nowIso(): string {
    return new Date(this.nowMs()).toISOString();
  }
}
