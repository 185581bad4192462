import type { Clock } from '../clock.js';
import type { EventType, InboxEvent, Team } from '../contract.js';
import type { Random } from '../random.js';

/**
 * The real API keeps events 7 days; the simulator keeps the newest ones by count so write-heavy benchmarks
 * don't exhaust memory (each event snapshots its thread and prospect).
 */
const MAX_EVENTS = 20_000;

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A team's GET /events log, ascending seq. Every other domain records its changes here. */
export class EventLog {
  readonly events: InboxEvent[] = [];

  constructor(
    private readonly team: Team,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }

  /** Appends to the log; `data` is snapshotted so later changes don't rewrite history. */
  emit(type: EventType, data: unknown, timestamp = this.clock.nowIso()): InboxEvent {
    const event: InboxEvent = {
      id: this.random.cuid(),
      seq: this.lastSeq + 1,
      teamId: this.team.id,
      type,
      timestamp,
      version: '1.0',
      data: clone(data),
    };
    this.events.push(event);
    if (this.events.length > MAX_EVENTS * 1.1) this.events.splice(0, this.events.length - MAX_EVENTS);
    return event;
  }
}
