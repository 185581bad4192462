import type { Clock } from '../clock.js';
import type { ProspectThreadRef, ProspectWithContext } from '../contract.js';
import { validationError } from '../errors.js';
import { makeProfile, type Person } from '../profiles.js';
import type { Random } from '../random.js';
import type { EventLog } from './events.js';
import type { TeamLabels } from './labels.js';
import type { TeamMembers } from './members.js';
import type { ThreadIndex } from './thread-index.js';
import type { TeamThreads } from './threads.js';

export interface ProspectContextPatch {
  notes?: string | null;
  valuation?: number | null;
  statusId?: string | null;
  addTags?: string[];
  removeTags?: string[];
  assigneeId?: string | null;
  done?: boolean;
}

/** The team's prospects and their context: tags, status, notes, valuation, and (on their threads) assignee and done. */
export class TeamProspects {
  readonly prospects: ProspectWithContext[] = [];
  private readonly byExternalId = new Map<string, ProspectWithContext>();
  private readonly byPlatformId = new Map<string, ProspectWithContext>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly log: EventLog,
    private readonly members: TeamMembers,
    private readonly labels: TeamLabels,
    private readonly threads: TeamThreads,
    private readonly index: ThreadIndex,
  ) {}

  prospect(externalId: string): ProspectWithContext | undefined {
    return this.byExternalId.get(externalId);
  }

  byPlatform(platformId: string): ProspectWithContext | undefined {
    return this.byPlatformId.get(platformId);
  }

  byUsername(username: string): ProspectWithContext | undefined {
    const wanted = username.toLowerCase();
    return this.prospects.find((prospect) => prospect.username.toLowerCase() === wanted);
  }

  /** The prospect as /prospects/* return it: context plus `threads`. */
  view(prospect: ProspectWithContext): ProspectWithContext {
    const threads: ProspectThreadRef[] = this.index.threadsOf(prospect.externalId ?? '').map((thread) => ({
      id: thread.id,
      accountLinkId: thread.accountLinkId,
      lastMessageTimestamp: thread.lastMessageTimestamp,
      createdAt: thread.createdAt,
    }));
    return { ...prospect, context: { ...prospect.context, threads } };
  }

  add(prospect: ProspectWithContext): void {
    this.prospects.push(prospect);
    if (prospect.externalId) this.byExternalId.set(prospect.externalId, prospect);
    this.byPlatformId.set(prospect.platformId, prospect);
  }

  /** A person from X becomes a prospect of the team (emits prospect.created). */
  import(person: Person): ProspectWithContext {
    const now = this.clock.nowMs();
    const prospect: ProspectWithContext = {
      ...makeProfile(person, now),
      externalId: this.random.cuid(),
      firstSeenAt: new Date(now).toISOString(),
      context: { tags: [], statusId: null, valuation: null, notes: null },
    };
    this.add(prospect);
    this.log.emit('prospect.created', { prospect });
    return prospect;
  }

  /** Applies a context patch atomically: every referenced id is checked before anything changes. */
  updateContext(prospect: ProspectWithContext, patch: ProspectContextPatch): void {
    for (const field of ['addTags', 'removeTags'] as const) {
      const unknown = patch[field]?.find((id) => !this.labels.tag(id));
      if (unknown) {
        throw validationError(`Invalid field ${field}: tag '${unknown}' does not exist in this team`);
      }
    }
    if (patch.statusId != null && !this.labels.status(patch.statusId)) {
      throw validationError(`Invalid field statusId: status '${patch.statusId}' does not exist in this team`);
    }
    if (patch.assigneeId != null) this.members.requireMember(patch.assigneeId, 'assigneeId');

    const context = prospect.context;
    if (patch.addTags || patch.removeTags) {
      const removed = new Set(patch.removeTags);
      const next = [...new Set([...context.tags, ...(patch.addTags ?? [])])].filter((id) => !removed.has(id));
      if (next.join() !== context.tags.join()) {
        context.tags = next;
        this.log.emit('prospect.tagsChanged', { prospect });
      }
    }
    if (patch.statusId !== undefined && patch.statusId !== context.statusId) {
      context.statusId = patch.statusId;
      this.log.emit('prospect.statusChanged', { prospect });
    }
    if (patch.notes !== undefined && patch.notes !== context.notes) {
      context.notes = patch.notes;
      this.log.emit('prospect.notesChanged', { prospect });
    }
    if (patch.valuation !== undefined && patch.valuation !== context.valuation) {
      context.valuation = patch.valuation;
      this.log.emit('prospect.valuationChanged', { prospect });
    }
    const threads = this.index.threadsOf(prospect.externalId ?? '');
    const { assigneeId, done } = patch;
    if (assigneeId !== undefined) {
      const changed = threads.filter((thread) => this.threads.setAssignee(thread, assigneeId)).length > 0;
      // The assignee lives on the threads; the newer webhook page shows it in the prospect's context.
      if (changed) {
        this.log.emit('prospect.assigneeChanged', {
          prospect: { ...prospect, context: { ...context, assigneeId } },
        });
      }
    }
    if (done !== undefined) for (const thread of threads) this.threads.setDone(thread, done);
  }
}
