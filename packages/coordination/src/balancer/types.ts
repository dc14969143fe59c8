import type { Task } from "../domain/task.js";
import type { WorkerRecord } from "../domain/worker.js";

export const STRATEGY_NAMES = ["round_robin", "least_loaded", "capacity_based", "affinity", "adaptive"] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** What the balancer needs to know about a task. */
export type BalancingTask = Pick<
  Task,
  "id" | "type" | "priority" | "pinnedWorkerId" | "affinityKey" | "createdAt" | "runAt"
>;

/** What the balancer needs to know about a worker (a registry record satisfies it). */
export type BalancingWorker = Pick<
  WorkerRecord,
  | "id"
  | "state"
  | "maxConcurrency"
  | "activeTasks"
  | "supportedTaskTypes"
  | "cpuCores"
  | "memoryMb"
  | "lastHeartbeatAt"
  | "leaseMs"
> &
  Partial<Pick<WorkerRecord, "drainRequested">>;

/** Which worker last ran work like this task (same affinityKey, else same type). Filled by the runtime. */
export interface AffinityHistory {
  lastWorkerFor(task: Pick<BalancingTask, "type" | "affinityKey">): string | null;
}

export interface WorkerPerformance {
  /** Recent successes / recent finished attempts, 0..1. */
  successRate: number;
  /** Mean duration of recent successful attempts. */
  meanLatencyMs: number;
  samples: number;
}

export interface PerformanceHistory {
  performanceOf(workerId: string): WorkerPerformance | null;
}

export type BalancingHistory = AffinityHistory & PerformanceHistory;

export const EMPTY_HISTORY: BalancingHistory = {
  lastWorkerFor: () => null,
  performanceOf: () => null,
};

export interface ScoringContext {
  /** Store-clock ms. */
  now: number;
  /** The workers that passed the filter, sorted by id (strategies may compare against them). */
  eligible: readonly BalancingWorker[];
  history: BalancingHistory;
}

/** A score in [0, ∞) (higher wins) and the parts it was made of, for the dashboard's "why". */
export interface ScoreBreakdown {
  score: number;
  parts: Record<string, number>;
}

export interface BalancingStrategy {
  readonly name: StrategyName;
  score(task: BalancingTask, worker: BalancingWorker, ctx: ScoringContext): ScoreBreakdown;
}
