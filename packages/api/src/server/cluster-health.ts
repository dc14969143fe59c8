import { isLeaseLive } from "@sentinel/coordination";
import { stalledTasks } from "../cache/stalled-tasks.js";
import { taskStateCounts } from "../cache/task-queries.js";
import { listCachedWorkers } from "../cache/worker-queries.js";
import type { ControlPlane } from "./control-plane.js";

/** GET /cluster/health: status, worker counts, capacity and queue depth, for monitors and load balancers. */
export interface ClusterHealth {
  status: "healthy" | "degraded" | "unhealthy";
  total_workers: number;
  healthy_workers: number;
  total_capacity: number;
  utilized_capacity: number;
  tasks_queued: number;
  tasks_in_progress: number;
  /** Waiting tasks no live worker can run, due for longer than SENTINEL_STALL_ALERT_MS. */
  tasks_stalled: number;
}

/**
 * healthy: every registered worker holds a live lease; degraded: some do not (stale or
 * offline ones are still listed) or waiting tasks have stalled (no live worker can run them,
 * for longer than SENTINEL_STALL_ALERT_MS); unhealthy: none does.
 */
export function clusterHealth(controlPlane: ControlPlane): ClusterHealth {
  const now = controlPlane.syncer.storeNow();
  const workers = listCachedWorkers(controlPlane.cache.db).filter((w) => w.state !== "REMOVED");
  const healthy = workers.filter((w) => isLeaseLive(w, now));
  const tasks = taskStateCounts(controlPlane.cache.db);
  const stalled = stalledTasks(controlPlane.cache.db, now, controlPlane.stallAlertMs).reduce((sum, g) => sum + g.n, 0);
  return {
    status:
      healthy.length === 0 ? "unhealthy" : healthy.length < workers.length || stalled > 0 ? "degraded" : "healthy",
    total_workers: workers.length,
    healthy_workers: healthy.length,
    total_capacity: healthy.reduce((sum, w) => sum + w.maxConcurrency, 0),
    utilized_capacity: healthy.reduce((sum, w) => sum + w.activeTasks, 0),
    tasks_queued: tasks.queued + tasks.failed,
    tasks_in_progress: tasks.running,
    tasks_stalled: stalled,
  };
}

export async function handleClusterHealth(_request: Request, controlPlane: ControlPlane): Promise<Response> {
  return Response.json(clusterHealth(controlPlane), { headers: { "cache-control": "no-store" } });
}
