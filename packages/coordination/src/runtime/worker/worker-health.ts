import type { WorkerHealth } from "../../observability/health-server.js";
import { isAccepting, type WorkerContext } from "./worker-context.js";

/** The GET /health body: the seed's fields, plus why the worker is degraded when it is. */
export function describeHealth(ctx: WorkerContext): WorkerHealth {
  const { state, record, running } = ctx;
  const max = ctx.config.capacity.maxConcurrentTasks;
  const base = {
    worker_id: ctx.id,
    uptime_seconds: Math.round((performance.now() - ctx.startedAtMs) / 1000),
    active_tasks: running.size,
    capacity: { max, available: isAccepting(ctx) ? Math.max(0, max - running.size) : 0 },
    last_heartbeat: record ? new Date(record.lastHeartbeatAt).toISOString() : null,
    state: record?.state ?? "NEW",
  };
  if (state === "new" || state === "starting") return { ...base, status: "starting" };
  if (state === "stopped" || state === "failed" || state === "stopping") return { ...base, status: "stopped" };
  if (state === "draining" || ctx.remoteDraining) return { ...base, status: "draining" };
  if (ctx.heartbeatFailures > 0)
    return { ...base, status: "degraded", reason: `${ctx.heartbeatFailures} consecutive heartbeat failure(s)` };
  if (ctx.recoveringLease) return { ...base, status: "degraded", reason: "lease lost; re-registering" };
  if (ctx.storeErrors > 0)
    return { ...base, status: "degraded", reason: `${ctx.storeErrors} consecutive store error(s) while polling` };
  return { ...base, status: "healthy" };
}
