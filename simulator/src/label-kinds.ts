import type { ProspectContext, Status, Tag } from './contract.js';

interface LabelByEntity {
  tag: Tag;
  status: Status;
}

export type LabelEntity = keyof LabelByEntity;
export type Label<K extends LabelEntity = LabelEntity> = LabelByEntity[K];

/**
 * Tags and statuses are the same thing (a named, colored label on prospects) behind twin endpoints. This is
 * all that tells them apart, so one implementation of the routes and the state changes serves both.
 */
export interface LabelKind<K extends LabelEntity> {
  /** Names the 404 code, the events (`tag.created` with data `{ tag }`) and the duplicate-name message. */
  entity: K;
  /** The collection path; one label is at `${path}/{${idParam}}`. */
  path: string;
  idParam: string;
  /** Stored when a label is created without a color or patched to `color: null`. */
  defaultColor: Label<K>['color'];
  /** A new label with the shared fields in wire order, plus what only this kind has. */
  build(fields: Pick<Label, 'id' | 'name'> & { color: Label<K>['color'] }, now: string): Label<K>;
  /** Takes a deleted label off a prospect. */
  detach(context: ProspectContext, id: string): void;
}

export const TAG: LabelKind<'tag'> = {
  entity: 'tag',
  path: '/tags',
  idParam: 'tagId',
  // Tag.color is not nullable: gray (the palette's last color).
  defaultColor: '#6b7280',
  build: ({ id, name, color }) => ({ id, name, color }),
  detach: (context, id) => {
    context.tags = context.tags.filter((tagId) => tagId !== id);
  },
};

export const STATUS: LabelKind<'status'> = {
  entity: 'status',
  path: '/statuses',
  idParam: 'statusId',
  defaultColor: null,
  build: (fields, now) => ({ ...fields, createdAt: now }),
  detach: (context, id) => {
    if (context.statusId === id) context.statusId = null;
  },
};

export const LABEL_KINDS = [TAG, STATUS] as const;
