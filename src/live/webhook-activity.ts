import type { Logger } from 'pino';
import { type SharedRedis, withinMs } from '../replicas/redis.js';

/** Teams whose last webhook is remembered in this process; the least recently heard are forgotten first. */
const REMEMBERED_TEAMS = 10_000;
/** A Redis command that has not answered by then is taken as failed: the team is polled, which is safe. */
const REDIS_TIMEOUT_MS = 1_000;

/**
 * Which teams' webhooks arrive, team by team: a team is fed by its webhooks while its last verified one is
 * younger than `quietMs` (INBOX_WEBHOOK_QUIET_MS). Its poller pauses meanwhile, and resumes from that
 * webhook's `seq` once they stop (src/live/pollers.ts). With Redis, what one replica heard counts for all
 * of them (a load balancer spreads a team's webhooks); while Redis is out of reach, each replica goes by
 * what it heard itself.
 */
export class WebhookActivity {
  private readonly heardAt = new Map<string, { at: number; seq: number }>();

  constructor(
    private readonly quietMs: number,
    private readonly logger: Logger,
    private readonly redis?: SharedRedis,
  ) {}

  /** A verified webhook of the team arrived, carrying the event `seq`. */
  async heard(teamId: string, seq: number): Promise<void> {
    const previous = this.heardAt.get(teamId);
    this.heardAt.delete(teamId);
    this.heardAt.set(teamId, { at: Date.now(), seq: Math.max(seq, previous?.seq ?? seq) });
    if (this.heardAt.size > REMEMBERED_TEAMS) this.heardAt.delete(this.heardAt.keys().next().value as string);
    if (!this.redis?.healthy()) return;
    await withinMs(this.redis.client.set(this.key(teamId), String(seq), 'PX', this.quietMs), REDIS_TIMEOUT_MS)
      .then(() => undefined)
      .catch((error: unknown) => this.failed(error));
  }

  /** This process heard a webhook of the team within `quietMs` (no Redis command). */
  heardRecently(teamId: string): boolean {
    return this.local(teamId) !== undefined;
  }

  /**
   * The `seq` of the team's last webhook while its webhooks feed it (one arrived, here or on another replica,
   * within `quietMs`); `undefined` when the team must be polled.
   */
  async feeding(teamId: string): Promise<number | undefined> {
    const local = this.local(teamId);
    if (local !== undefined || !this.redis?.healthy()) return local;
    try {
      const stored = await withinMs(this.redis.client.get(this.key(teamId)), REDIS_TIMEOUT_MS);
      // Whatever comes out of Redis is checked: anything but a `seq` reads as no webhook.
      return typeof stored === 'string' && /^\d{1,15}$/.test(stored) ? Number(stored) : undefined;
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  private local(teamId: string): number | undefined {
    const heard = this.heardAt.get(teamId);
    return heard && Date.now() - heard.at < this.quietMs ? heard.seq : undefined;
  }

  private key(teamId: string): string {
    return `${this.redis?.prefix}webhooks:heard:${teamId}`;
  }

  private failed(error: unknown): void {
    this.logger.debug({ err: (error as Error).message }, 'redis webhook activity command failed');
  }
}
