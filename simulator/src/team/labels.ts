import type { Clock } from '../clock.js';
import type { ProspectWithContext, Status, Tag } from '../contract.js';
import { conflict } from '../errors.js';
import type { Label, LabelEntity, LabelKind } from '../label-kinds.js';
import type { Random } from '../random.js';
import type { EventLog } from './events.js';

/** The team's tags and statuses: one implementation for both kinds (see label-kinds.ts). */
export class TeamLabels {
  private readonly labelsByEntity: { [K in LabelEntity]: Label<K>[] };

  constructor(
    readonly tags: Tag[],
    readonly statuses: Status[],
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly log: EventLog,
  ) {
    this.labelsByEntity = { tag: tags, status: statuses };
  }

  tag(id: string): Tag | undefined {
    return this.tags.find((tag) => tag.id === id);
  }

  status(id: string): Status | undefined {
    return this.statuses.find((status) => status.id === id);
  }

  /** The team's tags or statuses, as GET /tags or /statuses returns them. */
  labels<K extends LabelEntity>(kind: LabelKind<K>): Label<K>[] {
    return this.labelsByEntity[kind.entity];
  }

  /** `color: null` stores the kind's default (gray for tags, null for statuses). */
  create<K extends LabelEntity>(kind: LabelKind<K>, name: string, color: string | null): Label<K> {
    this.requireUniqueName(kind, name);
    const fields = { id: this.random.cuid(), name, color: color ?? kind.defaultColor };
    const label = kind.build(fields, this.clock.nowIso());
    this.labels(kind).push(label);
    this.log.emit(`${kind.entity}.created`, { [kind.entity]: label });
    return label;
  }

  /** Changes the fields the patch gives (`color: null` stores the default); always emits `*.updated`. */
  update<K extends LabelEntity>(
    kind: LabelKind<K>,
    label: Label<K>,
    patch: { name?: string | undefined; color?: string | null | undefined },
  ): void {
    if (patch.name !== undefined) {
      this.requireUniqueName(kind, patch.name, label.id);
      label.name = patch.name;
    }
    if (patch.color !== undefined) label.color = patch.color ?? kind.defaultColor;
    this.log.emit(`${kind.entity}.updated`, { [kind.entity]: label });
  }

  /** Also takes the label off every prospect (no per-prospect events, like a bulk cleanup). */
  delete<K extends LabelEntity>(
    kind: LabelKind<K>,
    label: Label<K>,
    prospects: readonly ProspectWithContext[],
  ): void {
    const labels = this.labels(kind);
    labels.splice(labels.indexOf(label), 1);
    for (const prospect of prospects) kind.detach(prospect.context, label.id);
    this.log.emit(`${kind.entity}.deleted`, { [kind.entity]: label });
  }

  private requireUniqueName(kind: LabelKind<LabelEntity>, name: string, selfId?: string): void {
    const wanted = name.trim().toLowerCase();
    const taken = this.labels(kind).some(
      (label) => label.id !== selfId && label.name.trim().toLowerCase() === wanted,
    );
    if (taken) throw conflict(`A ${kind.entity} named '${name}' already exists`);
  }
}
