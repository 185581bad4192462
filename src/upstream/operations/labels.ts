import type { CachedCollection } from '../../caching/collection-cache.js';
import type { Collection } from '../loaders.js';
import type { JsonBody, RestClient } from '../rest-client.js';
import type { Session } from '../session.js';
import type { Status, Tag } from '../types.js';

/** Tags and statuses are twins upstream: a collection read once, and create/update/delete by id. */
export type LabelKind = 'tags' | 'statuses';

/** The same request bodies serve both (`CreateLabelRequest`, `UpdateLabelRequest` in openapi.yaml). */
export type LabelCreateBody = JsonBody<'/tags', 'post'>;
export type LabelUpdateBody = JsonBody<'/tags/{tagId}', 'patch'>;

interface LabelEndpoints<T> {
  create(rest: RestClient, body: LabelCreateBody): Promise<T>;
  update(rest: RestClient, id: string, body: LabelUpdateBody): Promise<T>;
  delete(rest: RestClient, id: string): Promise<unknown>;
}

const TAG_ENDPOINTS: LabelEndpoints<Tag> = {
  create: (rest, body) => rest.post('/tags', { body }),
  update: (rest, tagId, body) => rest.patch('/tags/{tagId}', { path: { tagId }, body }),
  delete: (rest, tagId) => rest.delete('/tags/{tagId}', { path: { tagId } }),
};

const STATUS_ENDPOINTS: LabelEndpoints<Status> = {
  create: (rest, body) => rest.post('/statuses', { body }),
  update: (rest, statusId, body) => rest.patch('/statuses/{statusId}', { path: { statusId }, body }),
  delete: (rest, statusId) => rest.delete('/statuses/{statusId}', { path: { statusId } }),
};

function labelOperations<T extends { id: string }>(
  session: Session,
  kind: LabelKind & CachedCollection,
  endpoints: LabelEndpoints<T>,
  collection: Collection<T>,
) {
  return {
    all: () => collection.all(),
    byId: (id: string) => collection.get(id),
    /** The labels that exist, in order (one deleted since its prospect was read is simply gone). */
    byIds: (ids: readonly string[]) => collection.getMany(ids),
    create: (body: LabelCreateBody) => session.write((rest) => endpoints.create(rest, body), [kind]),
    update: (id: string, patch: LabelUpdateBody) =>
      session.write((rest) => endpoints.update(rest, id, patch), [kind]),
    delete: async (id: string) => {
      await session.write((rest) => endpoints.delete(rest, id), [kind]);
    },
  };
}

/** What a label kind offers: a collection with by-id reads, and create/update/delete. */
export type LabelOperations<T extends { id: string }> = ReturnType<typeof labelOperations<T>>;

export function labelsOperations(session: Session) {
  return {
    tags: labelOperations(session, 'tags', TAG_ENDPOINTS, session.loaders.tags),
    statuses: labelOperations(session, 'statuses', STATUS_ENDPOINTS, session.loaders.statuses),
  };
}
