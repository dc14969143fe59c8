import { ACCEPTING_STATES, type WorkerRecord, type WorkerRegistration } from "../../domain/worker.js";
import { coerceError, LeaseLostError } from "../../errors.js";
import type { CoordinationStore } from "../../store/port.js";
import type { PollLoop } from "../poll-loop.js";
import { collectWorkerMetrics } from "./metrics-report.js";
import type { WorkerCore } from "./worker-core.js";

/** What the heartbeat works with: the lease it renews, the registration to restore it with, the loop to wake and the stop to call. */
export interface HeartbeatParts {
  core: WorkerCore;
  store: CoordinationStore;
  registration: WorkerRegistration;
  loop: PollLoop;
  /** The worker's graceful stop (an operator drain ends in it once the worker is idle). */
  drain: () => Promise<void>;
}

/** One heartbeat: renews the lease and reacts to what the store says about us (a long gap, an operator drain, a lost lease). */
export async function sendHeartbeat(parts: HeartbeatParts): Promise<void> {
  const { core, store } = parts;
  const { status, log } = core;
  try {
    const previous = status.record;
    const metrics = await collectWorkerMetrics(core, store, parts.registration);
    const next = await store.heartbeat(core.id, { activeTasks: core.running.size, metrics });
    status.record = next;
    if (status.heartbeatFailures > 0)
      log.info(
        { action: "heartbeat", result: "recovered", metadata: { failures: status.heartbeatFailures } },
        "heartbeat recovered",
      );
    status.heartbeatFailures = 0;
    // Judged on store timestamps only: a gap longer than the lease means a monitor may have
    // recovered our tasks, so check that we still own what we run.
    if (previous && next.lastHeartbeatAt - previous.lastHeartbeatAt > next.leaseMs)
      await core.running.abortSuperseded(store);
    noticeDrainState(parts, next);
  } catch (thrown) {
    const error = coerceError(thrown);
    if (error instanceof LeaseLostError) {
      await recoverLease(parts, error);
      return;
    }
    status.heartbeatFailures += 1;
    core.metrics.heartbeatFailures.inc();
    log.warn(
      {
        action: "heartbeat",
        result: "failed",
        metadata: { error: error.message, consecutive: status.heartbeatFailures },
      },
      "heartbeat failed",
    );
  }
}

/** An operator drain (or its undo) reaches the worker through its own registry record. */
function noticeDrainState({ core, loop, drain }: HeartbeatParts, worker: WorkerRecord): void {
  const { status, log, running } = core;
  if (status.state !== "ready") return;
  if (worker.state === "DRAINING" && !status.remoteDraining) {
    status.remoteDraining = true;
    log.info(
      { action: "drain", result: "requested", metadata: { running: running.size } },
      "drain requested: taking no new tasks",
    );
  } else if (ACCEPTING_STATES.includes(worker.state) && status.remoteDraining) {
    status.remoteDraining = false;
    log.info({ action: "drain", result: "resumed" }, "resumed: taking tasks again");
    loop.nudge();
  }
  // DRAINING → REMOVED: once idle, an operator drain ends like a signalled one.
  if (status.remoteDraining && worker.state === "DRAINING" && running.size === 0) void drain();
}

/** OFFLINE/REMOVED by a monitor: our tokens are stale, so stop the work and start over with a fresh registration. */
function recoverLease({ core, store, registration, loop }: HeartbeatParts, error: LeaseLostError): Promise<void> {
  const { status, log, running } = core;
  status.recoveringLease ??= (async () => {
    core.metrics.heartbeatFailures.inc();
    log.warn(
      { action: "lease", result: "lost", metadata: { error: error.message, aborting: running.size } },
      "lease lost: aborting running tasks and re-registering",
    );
    running.abortAll("lease lost");
    await running.settle();
    if (status.state === "ready") {
      status.record = await store.registerWorker(registration);
      log.info(
        { action: "register", result: "re-registered", metadata: { state: status.record.state } },
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
      status.recoveringLease = null;
      loop.nudge();
    });
  return status.recoveringLease;
}
