import { ACCEPTING_STATES, availableSlots, isLeaseLive } from "../domain/worker.js";
import {
  type BalancingHistory,
  type BalancingStrategy,
  type BalancingTask,
  type BalancingWorker,
  EMPTY_HISTORY,
} from "./types.js";

export interface SelectionContext {
  strategy: BalancingStrategy;
  /** Store-clock ms (lease liveness is judged with it). */
  now: number;
  history?: BalancingHistory;
}

export interface Candidate {
  workerId: string;
  eligible: boolean;
  /** Why a worker was filtered out (empty when eligible). */
  reasons: string[];
  /** 0 for ineligible workers. */
  score: number;
  breakdown: Record<string, number>;
}

export interface Selection {
  workerId: string | null;
  /** Every worker considered, sorted by id. */
  candidates: Candidate[];
}

/** The filter step: healthy (lease-holding ACTIVE/BUSY, not draining), has capacity, supports the type, pin. */
export function filterReasons(task: BalancingTask, worker: BalancingWorker, now: number): string[] {
  const reasons: string[] = [];
  if (!ACCEPTING_STATES.includes(worker.state)) reasons.push(`state ${worker.state} takes no new work`);
  else if (!isLeaseLive(worker, now))
    reasons.push(`lease expired (no heartbeat since ${now - worker.lastHeartbeatAt} ms)`);
  if (worker.drainRequested) reasons.push("drain requested");
  if (availableSlots(worker) === 0) reasons.push(`no free slots (${worker.activeTasks}/${worker.maxConcurrency})`);
  if (!worker.supportedTaskTypes.includes(task.type)) reasons.push(`does not support task type ${task.type}`);
  if (task.pinnedWorkerId !== null && task.pinnedWorkerId !== worker.id)
    reasons.push(`task is pinned to ${task.pinnedWorkerId}`);
  return reasons;
}

/**
 * Strategy selection: filter → score → highest score. Ties go to the lowest worker id,
 * so every worker evaluating the same view reaches the same answer.
 */
export function selectWorker(
  task: BalancingTask,
  workers: readonly BalancingWorker[],
  ctx: SelectionContext,
): Selection {
  const sorted = [...workers].sort((a, b) => compareIds(a.id, b.id));
  const filtered = sorted.map((worker) => ({ worker, reasons: filterReasons(task, worker, ctx.now) }));
  const eligible = filtered.filter((f) => f.reasons.length === 0).map((f) => f.worker);
  const scoring = { now: ctx.now, eligible, history: ctx.history ?? EMPTY_HISTORY };

  let best: Candidate | null = null;
  const candidates = filtered.map(({ worker, reasons }): Candidate => {
    if (reasons.length > 0) return { workerId: worker.id, eligible: false, reasons, score: 0, breakdown: {} };
    const { score, parts } = ctx.strategy.score(task, worker, scoring);
    const candidate = { workerId: worker.id, eligible: true, reasons, score, breakdown: parts };
    if (best === null || score > best.score) best = candidate;
    return candidate;
  });
  return { workerId: (best as Candidate | null)?.workerId ?? null, candidates };
}

/** Code-unit order, not locale order: every process must sort identically. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
