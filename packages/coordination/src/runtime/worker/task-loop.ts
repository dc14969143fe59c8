import { coerceError } from "../../errors.js";
import type { CoordinationStore } from "../../store/port.js";
import { type CompletionBatcher, createCompletionBatcher } from "../completion-batcher.js";
import { createPollLoop, type PollLoop } from "../poll-loop.js";
import { createClaimCycle } from "./claim-cycle.js";
import { isAccepting, type WorkerContext } from "./worker-context.js";

/** How often an idle worker checks the store's change marker; bounds claim latency under light load. */
const WATCH_INTERVAL_MS = 20;
/** How long a finished task waits for others (still executing) to share its completion transaction. */
const COMPLETION_FLUSH_MS = 2;
/** How long a batch handed to the loop (to complete and claim in one transaction) may wait for it. */
const COMPLETION_HANDOFF_MS = 20;

/**
 * The claim → execute → complete loop: a poll loop running claim cycles, and the batcher that
 * gathers completions and hands them back to the loop, so that a busy worker writes a
 * finished batch and claims the next in one transaction. Not started: the caller starts the
 * loop once the worker is ready.
 */
export function createTaskLoop(
  ctx: WorkerContext,
  store: CoordinationStore,
): { batcher: CompletionBatcher; loop: PollLoop } {
  const { config, metrics, log } = ctx;
  const handsOff = store.completeAndClaim !== undefined && config.distributed.locking.conflictPolicy === "skip";
  // The loop takes a ready completion batch on its next tick, unless it takes no work now.
  const handCompletionsToLoop = (): boolean => {
    if (!ctx.loop || !isAccepting(ctx)) return false;
    ctx.loop.nudge();
    return true;
  };
  const batcher = createCompletionBatcher(store, {
    maxBatch: config.capacity.maxConcurrentTasks,
    flushDelayMs: COMPLETION_FLUSH_MS,
    held: () => ctx.running.size,
    // While the worker takes work, its loop writes the batch together with the next claim.
    ...(handsOff ? { handOff: handCompletionsToLoop, handOffTimeoutMs: COMPLETION_HANDOFF_MS } : {}),
  });
  const changeMarker = store.changeMarker?.bind(store);
  const loop = createPollLoop({
    tick: createClaimCycle(ctx),
    busyIntervalMs: config.polling.busyIntervalMs,
    idleIntervalMs: config.polling.idleIntervalMs,
    maxBackoffMs: config.polling.maxBackoffMs,
    // With a change marker (SQLite: PRAGMA data_version) an idle worker sees new work within
    // WATCH_INTERVAL_MS at the cost of one pragma read; without one it keeps the busy
    // interval for an idle interval's length after its last claim, then slows down.
    ...(changeMarker
      ? { watch: { intervalMs: WATCH_INTERVAL_MS, changed: async () => (await changeMarker()) !== ctx.seenMarker } }
      : { lingerMs: config.polling.idleIntervalMs }),
    onError: (thrown, consecutive) => {
      ctx.storeErrors = consecutive;
      metrics.storeErrors.inc({ step: "poll" });
      log.warn(
        { action: "poll", result: "error", metadata: { error: coerceError(thrown).message, consecutive } },
        "polling for tasks failed; backing off",
      );
    },
  });
  return { batcher, loop };
}
