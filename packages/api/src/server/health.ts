import type { ControlPlane } from "./control-plane.js";

/** A sync older than this many poll intervals makes the control plane report itself degraded. */
const STALE_SYNC_FACTOR = 20;

/** Control-plane GET /health: is the syncer keeping the cache current? 503 when it is not. */
export async function handleHealth(_request: Request, controlPlane: ControlPlane): Promise<Response> {
  const status = controlPlane.syncer.status();
  const now = controlPlane.syncer.storeNow();
  const lagMs = status.lastSyncAt === null ? null : Math.max(0, now - status.lastSyncAt);
  const healthy =
    lagMs !== null && lagMs < controlPlane.pollIntervalMs * STALE_SYNC_FACTOR + 5_000 && status.lastError === null;
  const body = {
    status: healthy ? "healthy" : "degraded",
    component: "control-plane",
    backend: controlPlane.store.backend,
    uptime_seconds: Math.floor((Date.now() - controlPlane.startedAt) / 1000),
    sync: {
      last_event_id: status.lastEventId,
      last_sync_at: status.lastSyncAt === null ? null : new Date(status.lastSyncAt).toISOString(),
      lag_ms: lagMs,
      last_error: status.lastError,
    },
    /** Requests refused since start, by reason (also sentinel_http_refusals_total on /metrics). */
    refusals: controlPlane.refusals.totals(),
  };
  return Response.json(body, { status: healthy ? 200 : 503, headers: { "cache-control": "no-store" } });
}
