import type { BalancingHistory, BalancingTask, WorkerPerformance } from "./types.js";

export interface AttemptOutcome {
  taskType: string;
  affinityKey: string | null;
  workerId: string;
  succeeded: boolean;
  durationMs: number;
}

/**
 * An in-memory BalancingHistory the runtime fills from finished attempts (its own, or the
 * store's task.succeeded / task.failed events). Keeps the last `window` outcomes per worker
 * and the last worker per type and per affinity key, bounded by `maxKeys`.
 */
export class BalancingHistoryRecorder implements BalancingHistory {
  private readonly byWorker = new Map<string, AttemptOutcome[]>();
  private readonly lastByKey = new Map<string, string>();

  constructor(
    private readonly window = 50,
    private readonly maxKeys = 10_000,
  ) {}

  record(outcome: AttemptOutcome): void {
    const list = this.byWorker.get(outcome.workerId) ?? [];
    list.push(outcome);
    if (list.length > this.window) list.shift();
    this.byWorker.set(outcome.workerId, list);
    if (!outcome.succeeded) return;
    this.remember(`type:${outcome.taskType}`, outcome.workerId);
    if (outcome.affinityKey !== null) this.remember(`key:${outcome.affinityKey}`, outcome.workerId);
  }

  lastWorkerFor(task: Pick<BalancingTask, "type" | "affinityKey">): string | null {
    const byKey = task.affinityKey === null ? undefined : this.lastByKey.get(`key:${task.affinityKey}`);
    return byKey ?? this.lastByKey.get(`type:${task.type}`) ?? null;
  }

  performanceOf(workerId: string): WorkerPerformance | null {
    const list = this.byWorker.get(workerId);
    if (!list || list.length === 0) return null;
    const successes = list.filter((o) => o.succeeded);
    const meanLatencyMs =
      successes.length === 0 ? 0 : successes.reduce((sum, o) => sum + o.durationMs, 0) / successes.length;
    return { successRate: successes.length / list.length, meanLatencyMs, samples: list.length };
  }

  private remember(key: string, workerId: string): void {
    this.lastByKey.delete(key);
    this.lastByKey.set(key, workerId);
    if (this.lastByKey.size > this.maxKeys) {
      const oldest = this.lastByKey.keys().next().value;
      if (oldest !== undefined) this.lastByKey.delete(oldest);
    }
  }
}
