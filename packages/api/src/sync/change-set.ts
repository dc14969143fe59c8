import type { ChangeKind } from "../cache/change-log.js";
import type { WorkerRowChange } from "../cache/worker-rows.js";

/** The kinds of change one sync pass produced; empty means nothing to announce. */
export class ChangeSet {
  readonly kinds = new Set<ChangeKind>();

  add(...kinds: ChangeKind[]): void {
    for (const kind of kinds) this.kinds.add(kind);
  }

  addIf(changed: boolean, ...kinds: ChangeKind[]): void {
    if (changed) this.add(...kinds);
  }

  /** A heartbeat-only refresh touches the heartbeat views; anything else every worker view. */
  addWorkerRow(change: WorkerRowChange): void {
    if (change === "heartbeat") this.add("heartbeats");
    else if (change === "changed") this.add("workers");
  }

  get empty(): boolean {
    return this.kinds.size === 0;
  }
}
