import type { StoreEvent } from "@sentinel/coordination";
import { type CheckResult, FAILING_TYPE } from "./history-checks.js";
import type { InjectedFault } from "./inject-faults.js";

export interface Recovery {
  victim: string;
  taskId: string;
  /** Kill → the task's task.succeeded by another worker, on the store's clock. */
  ms: number;
  /**
   * The victim's lease when a monitor declared it failed (its `alert.worker_failed`): on GitHub
   * a store stretches it up to `maxHeartbeatStretch` times under budget pressure, and
   * recovery cannot start before it runs out.
   */
  leaseMs: number | null;
}

/**
 * Time to recovery after each SIGKILL, from the event log: the tasks the victim held at the
 * kill are those whose latest acquisition before it was the victim's and had not ended
 * (released, expired, superseded, or the task finished under it); each one's recovery is its
 * first task.succeeded after the kill, by a worker other than the victim. Tasks designed to
 * fail never succeed: the no-task-lost check sees them end dead.
 */
export function measureRecoveries(
  kills: readonly InjectedFault[],
  events: readonly StoreEvent[],
): { recoveries: Recovery[]; check: CheckResult } {
  const failing = new Set(
    events.filter((e) => e.kind === "task.created" && e.data.type === FAILING_TYPE).map((e) => e.taskId),
  );
  const recoveries: Recovery[] = [];
  const unrecovered: string[] = [];
  for (const kill of kills) {
    if (!kill.victim) continue;
    for (const taskId of heldAt(kill.victim, kill.at, events).filter((id) => !failing.has(id))) {
      const success = events.find(
        (e) => e.kind === "task.succeeded" && e.taskId === taskId && e.at >= kill.at && e.workerId !== kill.victim,
      );
      const alert = events.find((e) => e.kind === "alert.worker_failed" && e.workerId === kill.victim);
      const leaseMs = typeof alert?.data.leaseMs === "number" ? alert.data.leaseMs : null;
      if (success) recoveries.push({ victim: kill.victim, taskId, ms: success.at - kill.at, leaseMs });
      else unrecovered.push(`${taskId} of ${kill.victim}`);
    }
  }
  const ok = unrecovered.length === 0;
  return {
    recoveries,
    check: {
      name: "every task a killed worker held succeeded elsewhere",
      ok,
      detail: ok
        ? `${recoveries.length} tasks held by ${kills.filter((k) => k.victim).length} killed workers`
        : `not recovered: ${unrecovered.slice(0, 5).join(", ")}`,
    },
  };
}

function heldAt(victim: string, at: number, events: readonly StoreEvent[]): string[] {
  const holding = new Map<string, number>();
  for (const e of events) {
    if (e.at > at || !e.taskId) continue;
    const token = Number(e.data.token);
    if (e.kind === "lock.acquired") {
      if (e.workerId === victim) holding.set(e.taskId, token);
      else holding.delete(e.taskId);
    } else if (
      holding.get(e.taskId) === token &&
      ["lock.released", "lock.expired", "lock.force_released", "task.succeeded", "task.dead", "task.failed"].includes(
        e.kind,
      )
    ) {
      holding.delete(e.taskId);
    }
  }
  return [...holding.keys()];
}
