import type { ChangeKind } from "../cache/change-log.js";

/** The kinds of change one sync pass produced; empty means nothing to announce. */
export class ChangeSet {
  readonly kinds = new Set<ChangeKind>();

  add(...kinds: ChangeKind[]): void {
    for (const kind of kinds) this.kinds.add(kind);
  }

  addIf(changed: boolean, ...kinds: ChangeKind[]): void {
    if (changed) this.add(...kinds);
  }

  get empty(): boolean {
    return this.kinds.size === 0;
  }
}
