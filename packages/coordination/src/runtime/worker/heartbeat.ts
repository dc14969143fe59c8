import { ACCEPTING_STATES, type WorkerRecord } from "../../domain/worker.js";
import { coerceError, LeaseLostError } from "../../errors.js";
import { drainWorker } from "./drain-worker.js";
import { abortRunningTasks, abortSupersededTasks, settleRunningTasks } from "./running-tasks.js";
import type { WorkerContext } from "./worker-context.js";
import { describeRegistration } from "./worker-registration.js";

/** One heartbeat: renews the lease and reacts to what the store says about us (a long gap, an operator drain, a lost lease). */
export async function sendHeartbeat(ctx: WorkerContext): Promise<void> {
  const { store, log } = ctx;
  if (!store) return;
  try {
    const previous = ctx.record;
    const next = await store.heartbeat(ctx.id, { activeTasks: ctx.running.size });
    ctx.record = next;
    if (ctx.heartbeatFailures > 0)
      log.info(
        { action: "heartbeat", result: "recovered", metadata: { failures: ctx.heartbeatFailures } },
        "heartbeat recovered",
      );
    ctx.heartbeatFailures = 0;
    // Judged on store timestamps only: a gap longer than the lease means a monitor may have
    // recovered our tasks, so check that we still own what we run.
    if (previous && next.lastHeartbeatAt - previous.lastHeartbeatAt > next.leaseMs)
      await abortSupersededTasks(ctx, store);
    noticeDrainState(ctx, next);
  } catch (thrown) {
    const error = coerceError(thrown);
    if (error instanceof LeaseLostError) {
      await recoverLease(ctx, error);
      return;
    }
    ctx.heartbeatFailures += 1;
    ctx.metrics.heartbeatFailures.inc();
    log.warn(
      { action: "heartbeat", result: "failed", metadata: { error: error.message, consecutive: ctx.heartbeatFailures } },
      "heartbeat failed",
    );
  }
}

/** An operator drain (or its undo) reaches the worker through its own registry record. */
function noticeDrainState(ctx: WorkerContext, worker: WorkerRecord): void {
  const { log } = ctx;
  if (ctx.state !== "ready") return;
  if (worker.state === "DRAINING" && !ctx.remoteDraining) {
    ctx.remoteDraining = true;
    log.info(
      { action: "drain", result: "requested", metadata: { running: ctx.running.size } },
      "drain requested: taking no new tasks",
    );
  } else if (ACCEPTING_STATES.includes(worker.state) && ctx.remoteDraining) {
    ctx.remoteDraining = false;
    log.info({ action: "drain", result: "resumed" }, "resumed: taking tasks again");
    ctx.loop?.nudge();
  }
  // The seed's DRAINING → REMOVED: once idle, an operator drain ends like a signalled one.
  if (ctx.remoteDraining && worker.state === "DRAINING" && ctx.running.size === 0) void drainWorker(ctx);
}

/** OFFLINE/REMOVED by a monitor: our tokens are stale, so stop the work and start over with a fresh registration. */
function recoverLease(ctx: WorkerContext, error: LeaseLostError): Promise<void> {
  const { log } = ctx;
  ctx.recoveringLease ??= (async () => {
    ctx.metrics.heartbeatFailures.inc();
    log.warn(
      { action: "lease", result: "lost", metadata: { error: error.message, aborting: ctx.running.size } },
      "lease lost: aborting running tasks and re-registering",
    );
    abortRunningTasks(ctx, "lease lost");
    await settleRunningTasks(ctx);
    if (ctx.state === "ready" && ctx.store) {
      ctx.record = await ctx.store.registerWorker(describeRegistration(ctx, ctx.healthServer?.url ?? null));
      log.info(
        { action: "register", result: "re-registered", metadata: { state: ctx.record.state } },
        "re-registered after losing the lease",
      );
    }
  })()
    .catch((thrown) =>
      log.error(
        { action: "register", result: "failed", metadata: { error: coerceError(thrown).message } },
        "re-registration failed; will retry on the next heartbeat",
      ),
    )
    .finally(() => {
      ctx.recoveringLease = null;
      ctx.loop?.nudge();
    });
  return ctx.recoveringLease;
}
