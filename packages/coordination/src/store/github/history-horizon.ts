import type { StoredRecord } from "./repo-mirror.js";

/**
 * How far back a process that opens the repository reads its history (docs/github-backend.md,
 * _Start-up cost_): every open issue, and what was updated after the horizon. Older closed
 * issues are read on demand only.
 *
 * The horizon lies `windowMs` before the later of now and the last heartbeat any worker wrote
 * — whichever is earlier. While a worker runs, it reopens any task issue that someone closed
 * before the task ended (see `tasks/task-issue-repair.ts`), so a closed issue whose task
 * is unfinished was closed after the last heartbeat minus a poll and is listed. With no
 * registration at all nothing guarantees that: the whole history is read (`null`).
 */
export function historyHorizon(registry: StoredRecord[], now: number, windowMs: number): number | null {
  let lastHeartbeat = Number.NEGATIVE_INFINITY;
  for (const stored of registry) {
    if (stored.record.k === "worker") lastHeartbeat = Math.max(lastHeartbeat, Date.parse(stored.updatedAt));
  }
  if (!Number.isFinite(lastHeartbeat)) return null;
  return Math.min(now, lastHeartbeat) - windowMs;
}
