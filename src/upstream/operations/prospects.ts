import type { Session } from '../session.js';
import type { ProspectWithContext } from '../types.js';

/** The team's CRM data of a prospect; fields left out stay as they are, `null` clears. */
export interface ProspectContextPatch {
  notes?: string | null;
  valuation?: number | null;
  statusId?: string | null;
  addTagIds?: string[];
  removeTagIds?: string[];
  /** Written to every thread of the prospect. */
  assigneeId?: string | null;
  /** Written to every thread of the prospect. */
  done?: boolean;
}

export function prospectOperations(session: Session) {
  const { loaders } = session;
  return {
    /** `GET /prospects/{externalId}`: the prospect with `context.threads`. */
    byInboxId: (externalId: string) => loaders.prospect.load(externalId),
    /** `GET /prospects/lookup`, or a prospect already seen embedded in a thread; `null` when unknown. */
    byPlatformId: (platformId: string) => loaders.prospectByPlatformId.load(platformId),
    /** `PATCH /prospects/{id}/context`; its answer (with `context.threads`) serves later reads. */
    async updateContext(externalId: string, { addTagIds, removeTagIds, ...fields }: ProspectContextPatch) {
      const prospect: ProspectWithContext = await session.write((rest) =>
        rest.patch('/prospects/{prospectId}/context', {
          path: { prospectId: externalId },
          body: { ...fields, addTags: addTagIds, removeTags: removeTagIds },
        }),
      );
      loaders.prospect.prime(externalId, prospect);
      loaders.prospectByPlatformId.prime(prospect.platformId, prospect);
      return prospect;
    },
  };
}
