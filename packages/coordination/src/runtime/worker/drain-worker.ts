import { coerceError } from "../../errors.js";
import { settleRunningTasks } from "./running-tasks.js";
import type { WorkerContext } from "./worker-context.js";

/** Graceful stop: take no new work, finish running tasks, deregister (REMOVED), release resources. Idempotent. */
export function drainWorker(ctx: WorkerContext): Promise<void> {
  const { id, log } = ctx;
  ctx.drainPromise ??= (async () => {
    if (ctx.state === "new" || ctx.state === "failed" || ctx.state === "stopped") {
      ctx.state = "stopped";
      ctx.resolveStopped();
      return;
    }
    ctx.state = "draining";
    log.info(
      { action: "drain", result: "started", metadata: { running: ctx.running.size } },
      "draining: finishing running tasks, taking no new ones",
    );
    await ctx.loop?.stop();
    if (ctx.store && ctx.registry) {
      await ctx.registry
        .updateStatus(id, "DRAINING", id, "shutting down")
        .catch((thrown) =>
          log.debug(
            { action: "drain", metadata: { error: coerceError(thrown).message } },
            "could not mark DRAINING (already draining or stale)",
          ),
        );
    }
    // The heartbeat keeps running meanwhile: running tasks need a live lease.
    await settleRunningTasks(ctx);
    await ctx.recoveringLease;
    ctx.state = "stopping";
    await ctx.heartbeat?.stop();
    ctx.heartbeat = null;
    if (ctx.registry) {
      try {
        const removed = await ctx.registry.deregister(id, id);
        log.info({ action: "deregister", result: removed.state }, "worker deregistered");
      } catch (thrown) {
        log.warn(
          { action: "deregister", result: "failed", metadata: { error: coerceError(thrown).message } },
          "could not deregister; the heartbeat monitor will retire this worker",
        );
      }
    }
    await releaseWorkerResources(ctx);
    ctx.state = "stopped";
    log.info(
      {
        action: "stop",
        result: "stopped",
        metadata: { uptime_seconds: Math.round((performance.now() - ctx.startedAtMs) / 1000) },
      },
      "worker stopped",
    );
    ctx.resolveStopped();
  })();
  return ctx.drainPromise;
}

/** Stops every timer and server the worker started, and closes the store if the worker opened it. Safe on a half-started worker. */
export async function releaseWorkerResources(ctx: WorkerContext): Promise<void> {
  for (const off of ctx.unsubscribe) off();
  ctx.unsubscribe = [];
  await ctx.loop?.stop();
  await ctx.heartbeat?.stop();
  await ctx.monitor?.stop();
  await ctx.memory?.stop();
  await ctx.healthServer?.close();
  ctx.healthServer = null;
  if (ctx.ownsStore) await ctx.store?.close();
}
