import DataLoader from 'dataloader';
import type { CachedCollection, CollectionCache } from '../caching/collection-cache.js';
import type { TeamProofs } from '../identity/team-proof.js';
import type { QueryOf, RestClient } from './rest-client.js';
import type {
  AccountLink,
  Campaign,
  Color,
  Member,
  Message,
  MessageHistory,
  MessagePage,
  ProspectWithContext,
  Status,
  Tag,
  Team,
  Thread,
  ThreadPage,
} from './types.js';

/** Query parameters of GET /threads and GET /threads/{id}/messages, as generated from openapi.yaml. */
export type ThreadQuery = QueryOf<'/threads', 'get'>;
export type MessageQuery = QueryOf<'/threads/{threadId}/messages', 'get'>;

/**
 * Per-request loaders, private to src/upstream/: one set per GraphQL request, bound to the caller's REST client.
 *
 * - Collections (members, account links, tags, statuses): one `GET` serves every key of the request,
 *   and the CollectionCache may serve it across requests of the same token.
 * - Threads and prospects: by-id loaders primed from every list and lookup response, so a thread or an
 *   embedded prospect seen once is never fetched again; a miss costs one `GET` per id (v1 has no batch read).
 * - Messages: no by-id read exists; pages prime them, and a miss is rebuilt from its history (one `GET`).
 */
export interface Loaders {
  team(): Promise<Team>;
  /** The team id this request's `team()` answered (from upstream or the cache), once it has. */
  provenTeam(): string | undefined;
  members: Collection<Member>;
  memberByUserId: DataLoader<string, Member | null>;
  /** The member behind a user id: at once when the request holds the members. */
  memberOfUser(userId: string): MaybePromise<Member | null>;
  accountLinks: Collection<AccountLink>;
  tags: Collection<Tag>;
  statuses: Collection<Status>;
  colors(scope: 'all' | 'tags' | 'statuses'): Promise<Color[]>;
  thread: DataLoader<string, Thread>;
  /** One page of GET /threads; every thread (and its embedded prospect) primes the loaders. */
  threadPage(query: ThreadQuery): Promise<ThreadPage>;
  primeThreads(threads: Thread[]): Thread[];
  /** GET /prospects/{externalId}: the prospect with `context.threads`. */
  prospect: DataLoader<string, ProspectWithContext>;
  /** GET /prospects/lookup, or any prospect already seen embedded in a thread. `null` when unknown. */
  prospectByPlatformId: DataLoader<string, ProspectWithContext | null>;
  /**
   * Every thread with a prospect, in one `GET /threads/lookup-by-username` (all account links at once)
   * instead of `GET /prospects/{id}` plus one `GET /threads/{id}` per thread.
   */
  threadsOfProspect(prospect: ProspectWithContext): Promise<Thread[]>;
  campaign: DataLoader<string, Campaign>;
  /** One page of GET /threads/{id}/messages; its messages prime `message`. */
  messagePage(threadId: string, query: MessageQuery): Promise<MessagePage>;
  /** A message by thread and id: from a page seen in this request, else rebuilt from its history. */
  message(threadId: string, messageId: string): Promise<Message | null>;
  /** Keyed by `messageKey(threadId, messageId)`. */
  messageHistory: DataLoader<string, MessageHistory>;
  /** After a write: drop everything this request learned, so later reads see the new state. */
  clearAll(): void;
}

export interface Collection<T extends { id: string }> {
  all(): Promise<T[]>;
  byId: DataLoader<string, T | null>;
  /** An item by id (`null`: the team has none such): at once when the request holds the collection. */
  get(id: string): MaybePromise<T | null>;
  /** The items that exist, in order (an id deleted since it was read is simply gone). */
  getMany(ids: readonly string[]): MaybePromise<T[]>;
  /** The collection by id, if this request holds it already. */
  indexed(): ReadonlyMap<string, T> | undefined;
}

export type MaybePromise<T> = T | Promise<T>;

function inOrder<T>(index: ReadonlyMap<string, T>, ids: readonly string[]): T[] {
  const found: T[] = [];
  for (const id of ids) {
    const item = index.get(id);
    if (item !== undefined) found.push(item);
  }
  return found;
}

/** The one key format of a message in the loaders: v1 names a message by its thread and its id. */
export const messageKey = (threadId: string, messageId: string) => `${threadId}:${messageId}`;

export function createLoaders(
  inbox: RestClient,
  sharedCache?: CollectionCache,
  tokenKey?: string,
  proofs?: TeamProofs,
  /** The request's barrier before reading the cross-request cache (InboxApi.caching.changesHeard). */
  changesHeard?: () => Promise<void> | undefined,
  /** Called once per collection read the cross-request cache answered without a call. */
  onCacheHit?: () => void,
): Loaders {
  /** The team of the token, as its own `GET /team` proves it: this request's read, or its cached answer. */
  let teamRead: Promise<Team> | undefined;
  const teamProof = (): Promise<string | undefined> | undefined => {
    if (teamRead)
      return teamRead.then(
        (found) => found.id,
        () => undefined,
      );
    const proven = tokenKey ? proofs?.provenTeam(tokenKey) : undefined;
    return proven === undefined ? undefined : Promise.resolve(proven);
  };
  /** The cache's answer; once settled, whether this request had to call for it (metrics, traces). */
  const throughCache = <T>(
    cache: CollectionCache,
    key: string,
    collection: CachedCollection,
    load: () => Promise<T>,
  ): Promise<T> => {
    let called = false;
    const value = cache.getOrLoad(
      key,
      collection,
      () => {
        called = true;
        return load();
      },
      teamProof,
    );
    const note = () => inbox.noteCollectionRead(collection, called ? 'miss' : 'hit');
    value.then(note, note);
    value.then(
      () => {
        if (!called) onCacheHit?.();
      },
      () => undefined,
    );
    return value;
  };
  const cached = <T>(collection: CachedCollection, load: () => Promise<T>) => {
    let pending: Promise<T> | undefined;
    const get = () => {
      if (pending) return pending;
      if (!sharedCache || !tokenKey) {
        pending = load();
        return pending;
      }
      const read = () => throughCache(sharedCache, tokenKey, collection, load);
      const barrier = changesHeard?.();
      pending = barrier ? barrier.then(read) : read();
      return pending;
    };
    return Object.assign(get, {
      reset: () => {
        pending = undefined;
      },
    });
  };
  const collection = <T extends { id: string }>(name: CachedCollection, load: () => Promise<T[]>) => {
    const read = cached(name, load);
    /** By id, once this request holds the collection: lookups then answer without a promise. */
    let index: Map<string, T> | undefined;
    let version = 0;
    const all = () => {
      const at = version;
      return read().then((items) => {
        if (at === version) index ??= new Map(items.map((item) => [item.id, item]));
        return items;
      });
    };
    const byId = new DataLoader<string, T | null>(async (ids) => {
      await all();
      return ids.map((id) => index?.get(id) ?? null);
    });
    const reset = () => {
      version++;
      index = undefined;
      read.reset();
      byId.clearAll();
    };
    return {
      all,
      byId,
      get: (id) => (index ? (index.get(id) ?? null) : byId.load(id)),
      getMany: (ids) => (index ? inOrder(index, ids) : existing(byId, ids)),
      indexed: () => index,
      reset,
    } satisfies Collection<T> & { reset(): void };
  };

  /** The token's own `GET /team`: its proof of team, kept and shared by TeamProofs. */
  const teamOfToken = () => {
    if (!proofs || !tokenKey) return inbox.get('/team');
    // A proof still valid serves the team without a call: a cache hit, for metrics, traces and the cost.
    let called = false;
    const proven = proofs.prove(tokenKey, () => {
      called = true;
      return inbox.get('/team');
    });
    proven.then(
      () => {
        inbox.noteCollectionRead('team', called ? 'miss' : 'hit');
        if (!called) onCacheHit?.();
      },
      () => undefined,
    );
    return proven;
  };
  let provenTeamId: string | undefined;
  const team = async () => {
    teamRead ??= teamOfToken();
    const found = await teamRead;
    provenTeamId = found.id;
    return found;
  };
  const members = collection('members', () => inbox.get('/members'));
  const accountLinks = collection('account-links', () => inbox.get('/account-links'));
  const tags = collection('tags', () => inbox.get('/tags'));
  const statuses = collection('statuses', () => inbox.get('/statuses'));
  const colorSources = {
    all: cached('colors', () => inbox.get('/colors')),
    tags: cached('tags/colors', () => inbox.get('/tags/colors')),
    statuses: cached('statuses/colors', () => inbox.get('/statuses/colors')),
  };
  let membersByUserId: { of: ReadonlyMap<string, Member>; byUserId: Map<string, Member> } | undefined;
  /** Members by user id, built once from the member index this request holds. */
  const byUserId = (index: ReadonlyMap<string, Member>) => {
    if (membersByUserId?.of !== index) {
      membersByUserId = { of: index, byUserId: new Map([...index.values()].map((m) => [m.userId, m])) };
    }
    return membersByUserId.byUserId;
  };
  const memberByUserId = new DataLoader<string, Member | null>(async (userIds) => {
    await members.all();
    const index = members.indexed();
    return userIds.map((userId) => (index ? byUserId(index).get(userId) : undefined) ?? null);
  });

  const prospectByPlatformId = new DataLoader<string, ProspectWithContext | null>(
    eachKey((platformId) => inbox.get('/prospects/lookup', { query: { platformId } })),
  );
  const thread = new DataLoader<string, Thread>(
    eachKey((threadId) => inbox.get('/threads/{threadId}', { path: { threadId } }).then(primeThread)),
  );
  function primeThread(value: Thread): Thread {
    thread.clear(value.id).prime(value.id, value);
    prospectByPlatformId.prime(value.prospect.platformId, value.prospect);
    return value;
  }
  const primeThreads = (threads: Thread[]) => threads.map(primeThread);

  const prospect = new DataLoader<string, ProspectWithContext>(
    eachKey(async (prospectId) => {
      const found = await inbox.get('/prospects/{prospectId}', { path: { prospectId } });
      prospectByPlatformId.clear(found.platformId).prime(found.platformId, found);
      return found;
    }),
  );

  const threadsByUsername = new DataLoader<string, Thread[]>(
    eachKey((username) =>
      inbox.get('/threads/lookup-by-username', { query: { username } }).then(primeThreads),
    ),
  );
  async function threadsOfProspect(prospect: ProspectWithContext): Promise<Thread[]> {
    const found = (await threadsByUsername.load(prospect.username)).filter(
      (candidate) => candidate.prospect.platformId === prospect.platformId,
    );
    const knownIds = prospect.context.threads?.map((ref) => ref.id);
    if (!knownIds) return found;
    // A username can change between two reads: threads the lookup missed are read by id.
    const byId = new Map(found.map((candidate) => [candidate.id, candidate]));
    return Promise.all(knownIds.map((id) => byId.get(id) ?? thread.load(id)));
  }

  const campaign = new DataLoader<string, Campaign>(
    eachKey((campaignId) => inbox.get('/campaigns/{campaignId}', { path: { campaignId } })),
  );

  const messagesSeen = new Map<string, Message>();
  const messageHistory = new DataLoader<string, MessageHistory>(
    eachKey((key) => {
      const [threadId = '', messageId = ''] = key.split(':');
      return inbox.get('/threads/{threadId}/messages/{messageId}/history', { path: { threadId, messageId } });
    }),
  );

  return {
    team,
    provenTeam: () => provenTeamId,
    members,
    memberByUserId,
    memberOfUser(userId) {
      const index = members.indexed();
      return index ? (byUserId(index).get(userId) ?? null) : memberByUserId.load(userId);
    },
    accountLinks,
    tags,
    statuses,
    colors: (scope) => colorSources[scope](),
    thread,
    async threadPage(query) {
      const page = await inbox.get('/threads', { query });
      primeThreads(page.threads);
      return page;
    },
    primeThreads,
    prospect,
    prospectByPlatformId,
    threadsOfProspect,
    campaign,
    async messagePage(threadId, query) {
      const page = await inbox.get('/threads/{threadId}/messages', { path: { threadId }, query });
      for (const message of page.messages) messagesSeen.set(messageKey(threadId, message.id), message);
      return page;
    },
    async message(threadId, messageId) {
      const seen = messagesSeen.get(messageKey(threadId, messageId));
      if (seen) return seen;
      return messageFromHistory(await messageHistory.load(messageKey(threadId, messageId)));
    },
    messageHistory,
    clearAll() {
      // Tags and statuses are the collections v1 writes can change; members, account links, the team and
      // the palettes have no write endpoint, so what this request read of them stays valid.
      tags.reset();
      statuses.reset();
      for (const loader of [
        memberByUserId,
        thread,
        prospect,
        prospectByPlatformId,
        threadsByUsername,
        campaign,
        messageHistory,
      ]) {
        loader.clearAll();
      }
      messagesSeen.clear();
    },
  };
}

/** v1 cannot read one message; its history can: the first version is the send, the last the current text. */
function messageFromHistory({ versions, deletion }: MessageHistory): Message | null {
  const first = versions[0];
  const last = versions.at(-1);
  if (!first || !last) return null;
  const edited = versions.length > 1;
  return {
    id: first.id,
    platform: first.platform,
    teamId: first.teamId,
    threadId: first.threadId,
    platformId: first.platformId,
    userId: first.userId,
    campaignId: first.campaignId,
    authorId: first.authorId,
    origin: first.origin,
    createdAt: first.createdAt,
    content: last.content,
    updatedAt: edited ? last.createdAt : null,
    isEdited: edited,
    isEncrypted: last.isEncrypted,
    replyData: first.replyData,
    forwardData: first.forwardData,
    entities: last.entities,
    attachment: last.attachment,
    reactions: last.reactions,
    deletedAt: deletion?.deletedAt ?? null,
    // History only tells that the message was deleted, not whether X deleted it too.
    platformDeletedAt: null,
  };
}

/**
 * A batch function for endpoints that read one key per call (v1 has no batch reads): the calls run in
 * parallel, and a key that fails fails alone (DataLoader reads an Error in the results as that key's error).
 */
function eachKey<V>(load: (key: string) => Promise<V>) {
  return (keys: readonly string[]): Promise<Array<V | Error>> =>
    Promise.all(
      keys.map((key) =>
        load(key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
      ),
    );
}

/** The items of a collection that exist, in order: a tag deleted since its prospect was read is simply gone. */
export async function existing<T>(
  loader: DataLoader<string, T | null>,
  ids: readonly string[],
): Promise<T[]> {
  const found = await loader.loadMany(ids);
  return found.filter((item): item is T => {
    if (item instanceof Error) throw item;
    return item !== null;
  });
}
