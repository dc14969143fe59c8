import { coerceError } from "../../errors.js";
import type { HandlerDefinition } from "../../handlers/task-handler.js";
import type { LockClient } from "../../locks/lock-client.js";
import type { MemorySyncManager } from "../../memory/memory-sync-manager.js";
import type { CoordinationStore } from "../../store/port.js";
import { createCompletionBatcher } from "../completion-batcher.js";
import { createPollLoop, type PollLoop } from "../poll-loop.js";
import { type RunTaskDeps, runTask } from "../run-task.js";
import { createClaimCycle } from "./claim-cycle.js";
import type { IdleClock } from "./idle-clock.js";
import type { WorkerCore } from "./worker-core.js";
import { isAccepting } from "./worker-status.js";

/** How often an idle worker checks the store's change marker; bounds claim latency under light load. */
const WATCH_INTERVAL_MS = 20;
/** How long a finished task waits for others (still executing) to share its completion transaction. */
const COMPLETION_FLUSH_MS = 2;
/** How long a batch handed to the loop (to complete and claim in one transaction) may wait for it. */
const COMPLETION_HANDOFF_MS = 20;

export interface TaskLoopParts {
  core: WorkerCore;
  store: CoordinationStore;
  memory: MemorySyncManager;
  locks: LockClient;
  handlers: ReadonlyMap<string, HandlerDefinition>;
  /** Task types this worker has handlers for: the only ones it claims. */
  types: string[];
  /** Told about every claim cycle (the lifetime limits' notion of idle). */
  idleClock: IdleClock;
}

/**
 * The claim → execute → complete loop: a poll loop running claim cycles, and the batcher that
 * gathers completions and hands them back to the loop, so that a busy worker writes a
 * finished batch and claims the next in one transaction. Not started: the caller starts the
 * loop once the worker is ready.
 *
 * The loop and what it runs wake each other (a finished task or a ready batch nudges the
 * loop that launched it), so those callbacks refer to `loop`, which exists before any of
 * them can run: nothing runs until the loop is started.
 */
export function createTaskLoop(parts: TaskLoopParts): PollLoop {
  const { core, store, memory, locks, handlers, types, idleClock } = parts;
  const { config, metrics, log, status, running } = core;
  const handsOff = store.completeAndClaim !== undefined && config.distributed.locking.conflictPolicy === "skip";
  const batcher = createCompletionBatcher(store, {
    maxBatch: config.capacity.maxConcurrentTasks,
    flushDelayMs: COMPLETION_FLUSH_MS,
    held: () => running.size,
    // While the worker takes work, its loop writes the batch together with the next claim; otherwise the batcher flushes it.
    ...(handsOff
      ? {
          handOff: () => {
            if (!isAccepting(status)) return false;
            loop.nudge();
            return true;
          },
          handOffTimeoutMs: COMPLETION_HANDOFF_MS,
        }
      : {}),
  });
  const runDeps: RunTaskDeps = {
    store,
    memory,
    handlers,
    metrics,
    log,
    history: core.history,
    workerId: core.id,
    maxRunMs: config.distributed.locking.ttlSeconds * 1000,
    complete: batcher.complete,
    retrying: status.retrying,
  };
  const cycle = createClaimCycle({
    core,
    store,
    memory,
    locks,
    batcher,
    types,
    launch: (claim, sharedGlobal) =>
      running.launch(
        claim,
        (signal) => runTask(runDeps, claim, signal, sharedGlobal),
        () => loop.nudge(),
      ),
  });
  const changeMarker = store.changeMarker?.bind(store);
  const watchChanges = store.watchChanges?.bind(store);
  const loop = createPollLoop({
    tick: idleClock.observe(cycle.tick),
    busyIntervalMs: config.polling.busyIntervalMs,
    idleIntervalMs: config.polling.idleIntervalMs,
    maxBackoffMs: config.polling.maxBackoffMs,
    // With a change marker (SQLite: PRAGMA data_version) an idle worker sees new work within
    // WATCH_INTERVAL_MS at the cost of one pragma read, and at once when the store also
    // hints at changes (SQLite: a watch on its WAL file); without one it keeps the busy
    // interval for an idle interval's length after its last claim, then slows down.
    ...(changeMarker
      ? {
          watch: {
            intervalMs: store.changeMarkerIntervalMs ?? WATCH_INTERVAL_MS,
            changed: async () => (await changeMarker()) !== cycle.seenMarker(),
            ...(watchChanges ? { subscribe: watchChanges } : {}),
          },
        }
      : { lingerMs: config.polling.idleIntervalMs }),
    onError: (thrown, consecutive) => {
      status.storeErrors = consecutive;
      metrics.storeErrors.inc({ step: "poll" });
      log.warn(
        { action: "poll", result: "error", metadata: { error: coerceError(thrown).message, consecutive } },
        "polling for tasks failed; backing off",
      );
    },
  });
  return loop;
}
