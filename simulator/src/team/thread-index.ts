import type { PageCursor, Thread } from '../contract.js';
import { compareKeys } from '../paging.js';

export const threadKey = (thread: Thread): PageCursor => ({
  id: thread.id,
  timestamp: thread.computedSortTimestamp ?? thread.createdAt,
});

/**
 * Where the team's live threads are found: the GET /threads order and the lookups by id, by
 * (account link, prospect) pair and by prospect. Holds no rules; threads.ts and messages.ts keep it in sync.
 */
export class ThreadIndex {
  /** Threads sorted ascending by (computedSortTimestamp, id); GET /threads reads it from either end. */
  readonly ascending: Thread[] = [];
  private readonly byId = new Map<string, Thread>();
  private readonly byPair = new Map<string, Thread>();
  private readonly byProspect = new Map<string, Thread[]>();

  thread(id: string): Thread | undefined {
    return this.byId.get(id);
  }

  threadFor(accountLinkId: string, externalId: string): Thread | undefined {
    return this.byPair.get(`${accountLinkId}:${externalId}`);
  }

  /** The prospect's live threads (one per account link at most). */
  threadsOf(externalId: string): readonly Thread[] {
    return this.byProspect.get(externalId) ?? [];
  }

  /** The seed's threads, sorted once. */
  seed(threads: readonly Thread[]): void {
    for (const thread of threads) this.addLookups(thread);
    this.ascending.push(...threads);
    this.ascending.sort((a, b) => compareKeys(threadKey(a), threadKey(b)));
  }

  add(thread: Thread): void {
    this.addLookups(thread);
    this.insertOrdered(thread);
  }

  remove(thread: Thread): void {
    this.removeOrdered(thread);
    this.byId.delete(thread.id);
    this.byPair.delete(`${thread.accountLinkId}:${thread.prospect.externalId}`);
    const externalId = thread.prospect.externalId ?? '';
    this.byProspect.set(
      externalId,
      this.threadsOf(externalId).filter((sibling) => sibling !== thread),
    );
  }

  /** Sets the thread's computedSortTimestamp, moving it in the order when it is indexed. */
  reorder(thread: Thread, sortTimestamp: string): void {
    const indexed = this.byId.get(thread.id) === thread && this.removeOrdered(thread);
    thread.computedSortTimestamp = sortTimestamp;
    if (indexed) this.insertOrdered(thread);
  }

  private addLookups(thread: Thread): void {
    const externalId = thread.prospect.externalId ?? '';
    this.byId.set(thread.id, thread);
    this.byPair.set(`${thread.accountLinkId}:${externalId}`, thread);
    const siblings = this.byProspect.get(externalId);
    if (siblings) siblings.push(thread);
    else this.byProspect.set(externalId, [thread]);
  }

  private insertOrdered(thread: Thread): void {
    const key = threadKey(thread);
    let low = 0;
    let high = this.ascending.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareKeys(threadKey(this.ascending[mid] as Thread), key) < 0) low = mid + 1;
      else high = mid;
    }
    this.ascending.splice(low, 0, thread);
  }

  private removeOrdered(thread: Thread): boolean {
    const index = this.ascending.lastIndexOf(thread);
    if (index < 0) return false;
    this.ascending.splice(index, 1);
    return true;
  }
}
