import type { Task } from "../../../domain/task.js";

/** Whether `workerId` (supporting `types`) may claim the task now. */
export function isClaimableFor(task: Task, types: string[], workerId: string, now: number): boolean {
  return (
    (task.state === "queued" || task.state === "failed") &&
    task.runAt <= now &&
    types.includes(task.type) &&
    (task.pinnedWorkerId === null || task.pinnedWorkerId === workerId)
  );
}
