import type { NewTask } from "../../../packages/coordination/src/domain/task.js";

/** A task as a producer creates it: no delay, no pinning, no affinity. */
export function taskInput(type: string, params: Record<string, unknown>, maxAttempts = 3): NewTask {
  return {
    type,
    priority: 0,
    params,
    maxAttempts,
    timeoutMs: 30_000,
    delayMs: 0,
    pinnedWorkerId: null,
    affinityKey: null,
  };
}
