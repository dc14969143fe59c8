import { coerceError } from "../../errors.js";
import type { StartedWorker } from "./start-worker.js";
import type { WorkerCore } from "./worker-core.js";

/**
 * Graceful stop: take no new work, finish running tasks, deregister (REMOVED), release
 * resources. `started` is null when the worker never started (or failed to): it is then
 * only marked stopped. Call once (createWorker shares the one drain).
 */
export async function drainWorker(core: WorkerCore, started: StartedWorker | null): Promise<void> {
  const { id, log, status, running } = core;
  if (!started) {
    status.state = "stopped";
    return;
  }
  const { loop, registry, heartbeat } = started;
  status.state = "draining";
  log.info(
    { action: "drain", result: "started", metadata: { running: running.size } },
    "draining: finishing running tasks, taking no new ones",
  );
  await loop.stop();
  await registry
    .updateStatus(id, "DRAINING", id, "shutting down")
    .catch((thrown) =>
      log.debug(
        { action: "drain", metadata: { error: coerceError(thrown).message } },
        "could not mark DRAINING (already draining or stale)",
      ),
    );
  // The heartbeat keeps running meanwhile: running tasks need a live lease.
  await running.settle();
  await status.recoveringLease;
  status.state = "stopping";
  await heartbeat.stop();
  try {
    const removed = await registry.deregister(id, id);
    log.info({ action: "deregister", result: removed.state }, "worker deregistered");
  } catch (thrown) {
    log.warn(
      { action: "deregister", result: "failed", metadata: { error: coerceError(thrown).message } },
      "could not deregister; the heartbeat monitor will retire this worker",
    );
  }
  await started.release();
  status.state = "stopped";
  log.info(
    {
      action: "stop",
      result: "stopped",
      metadata: { uptime_seconds: Math.round((performance.now() - core.startedAtMs) / 1000) },
    },
    "worker stopped",
  );
}
