import type { AssignmentDecision } from "../../domain/assignment-decision.js";
import type { MemoryEntry } from "../../domain/memory.js";
import type { Task } from "../../domain/task.js";
import type { LockClient } from "../../locks/lock-client.js";
import type { MemorySyncManager } from "../../memory/memory-sync-manager.js";
import type { CoordinationStore } from "../../store/port.js";
import type { ClaimedTask } from "../claimed-task.js";
import type { CompletionBatcher, PendingCompletion } from "../completion-batcher.js";
import type { TickResult } from "../poll-loop.js";
import { acquireTasks } from "../steps/acquire-tasks.js";
import { getTasks } from "../steps/get-tasks.js";
import { createClaimBalancer } from "./balance-claims.js";
import type { WorkerCore } from "./worker-core.js";
import { isAccepting } from "./worker-status.js";

/** What a claim cycle works with. */
export interface ClaimCycleParts {
  core: WorkerCore;
  store: CoordinationStore;
  memory: MemorySyncManager;
  locks: LockClient;
  batcher: CompletionBatcher;
  /** Task types this worker has handlers for: the only ones it claims. */
  types: string[];
  /** Run a claimed task in the background. */
  launch: (claim: ClaimedTask, sharedGlobal?: Promise<MemoryEntry[]>) => void;
}

export interface ClaimCycle {
  tick: () => Promise<TickResult>;
  /** The store's change marker as of the start of the last poll (null before one, or without a marker). */
  seenMarker: () => string | null;
}

/**
 * One claim cycle, the poll loop's tick. Completions the batcher handed over are written in
 * the same transaction as the next claim (`completeAndClaim`), so a busy worker takes the
 * write lock once per cycle; their slots count as free for that claim, since they are done
 * either way.
 */
export function createClaimCycle(parts: ClaimCycleParts): ClaimCycle {
  const { core, store, memory, batcher, types, launch } = parts;
  const { config, status, running } = core;
  const balancer = createClaimBalancer(core);
  let seenMarker: string | null = null;

  const tick = async (): Promise<TickResult> => {
    const completions = batcher.take();
    if (!isAccepting(status)) {
      await batcher.flush(completions);
      return "paused";
    }
    const held = running.size - completions.length;
    const freeSlots = config.capacity.maxConcurrentTasks - held;
    if (freeSlots <= 0) return "full";
    try {
      // Taken before the claim query, so a change committed while it runs still wakes the watch.
      if (store.changeMarker) seenMarker = await store.changeMarker();
      const tasks = await getTasks({
        store,
        workerId: core.id,
        types,
        freeSlots,
        balance: config.distributed.enabled ? (candidates) => balancer.balance(store, candidates, held) : null,
        peers: balancer.peers() ?? undefined,
      });
      if (tasks.length === 0 || !isAccepting(status)) {
        await batcher.flush(completions.splice(0));
        return "idle";
      }
      const { claimed, lost } = await claimWithCompletions(
        parts,
        tasks,
        completions,
        balancer.decisionsFor(tasks.map((t) => t.id)),
      );
      if (lost > 0) core.metrics.lockConflicts.inc(lost);
      // One read of the shared `global/` context for the whole batch instead of one per task.
      const sharedGlobal = claimed.length > 1 ? memory.list("global/") : undefined;
      sharedGlobal?.catch(() => undefined);
      for (const claim of claimed) launch(claim, sharedGlobal);
      status.storeErrors = 0;
      return claimed.length > 0 ? "busy" : "idle";
    } catch (thrown) {
      // A failed poll or claim is no reason to lose finished work: the completions go on their own.
      await batcher.flush(completions);
      throw thrown;
    }
  };
  return { tick, seenMarker: () => seenMarker };
}

/** Claim `tasks`, writing `completions` (emptied here once settled) in the same transaction when the store can. */
async function claimWithCompletions(
  { core, store, locks, batcher }: ClaimCycleParts,
  tasks: Task[],
  completions: PendingCompletion[],
  decisions: Record<string, AssignmentDecision>,
): Promise<{ claimed: ClaimedTask[]; lost: number }> {
  const { config } = core;
  if (completions.length > 0 && store.completeAndClaim && config.distributed.locking.conflictPolicy === "skip") {
    const batch = completions.splice(0);
    let result: Awaited<ReturnType<NonNullable<CoordinationStore["completeAndClaim"]>>>;
    try {
      result = await store.completeAndClaim({
        completions: batch.map((c) => c.request),
        claim: {
          workerId: core.id,
          taskIds: tasks.map((t) => t.id),
          metadata: { hostname: config.hostname, pid: process.pid },
          decisions,
        },
      });
    } catch (thrown) {
      // Nothing was written. The claim may be what failed (a lost lease): complete on our own, then report it.
      await batcher.flush(batch);
      throw thrown;
    }
    batcher.settle(batch, result.outcomes);
    const claimed = result.claimed.map(({ task, lock }) => ({ task, lock, handle: locks.adopt(lock) }));
    return { claimed, lost: tasks.length - claimed.length };
  }
  await batcher.flush(completions.splice(0));
  return acquireTasks({
    store,
    locks,
    workerId: core.id,
    hostname: config.hostname,
    pid: process.pid,
    tasks,
    policy: config.distributed.locking.conflictPolicy,
    decisions,
  });
}
