import type { WorkerHealth } from "../../observability/health-server.js";
import type { WorkerCore } from "./worker-core.js";
import { isAccepting } from "./worker-status.js";

/** The GET /health body (see WorkerHealth), plus why the worker is degraded when it is. */
export function describeHealth(core: WorkerCore): WorkerHealth {
  const { status, running } = core;
  const { state, record } = status;
  const max = core.config.capacity.maxConcurrentTasks;
  const base = {
    worker_id: core.id,
    uptime_seconds: Math.round((performance.now() - core.startedAtMs) / 1000),
    active_tasks: running.size,
    capacity: { max, available: isAccepting(status) ? Math.max(0, max - running.size) : 0 },
    last_heartbeat: record ? new Date(record.lastHeartbeatAt).toISOString() : null,
    state: record?.state ?? "NEW",
    outcome_writes_retrying: status.retrying.outcomeWrites,
  };
  if (state === "new" || state === "starting") return { ...base, status: "starting" };
  if (state === "stopped" || state === "failed" || state === "stopping") return { ...base, status: "stopped" };
  if (state === "draining" || status.remoteDraining) return { ...base, status: "draining" };
  if (status.heartbeatFailures > 0)
    return { ...base, status: "degraded", reason: `${status.heartbeatFailures} consecutive heartbeat failure(s)` };
  if (status.recoveringLease) return { ...base, status: "degraded", reason: "lease lost; re-registering" };
  if (status.retrying.outcomeWrites > 0)
    return {
      ...base,
      status: "degraded",
      reason: `${status.retrying.outcomeWrites} task outcome write(s) retrying after store errors`,
    };
  if (status.storeErrors > 0)
    return { ...base, status: "degraded", reason: `${status.storeErrors} consecutive store error(s) while polling` };
  return { ...base, status: "healthy" };
}
