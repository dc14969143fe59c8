import type { Task } from "../domain/task.js";
import type { CompletionOutcome, CompletionRequest, CoordinationStore } from "../store/port.js";

export interface CompletionBatcherOptions {
  /** Flush as soon as this many completions wait (the worker's concurrency). */
  maxBatch: number;
  /** How long the first waiting completion may wait for company. */
  flushDelayMs: number;
}

/** Completes one task; resolves or rejects exactly as `store.completeTask` would. */
export type CompleteFn = (request: CompletionRequest) => Promise<Task>;

interface Waiting {
  request: CompletionRequest;
  resolve: (task: Task) => void;
  reject: (error: Error) => void;
}

/**
 * Tasks finishing within a few ms of each other are completed in one store transaction
 * (`completeTasks`), each still fenced on its own: a refused item rejects only its caller.
 * SQLite admits one writer at a time, so fewer, larger write transactions are what lets
 * several workers share a file. A store without `completeTasks` completes one by one.
 */
export function createCompletionBatcher(store: CoordinationStore, opts: CompletionBatcherOptions): CompleteFn {
  const completeTasks = store.completeTasks?.bind(store);
  if (!completeTasks) return (r) => store.completeTask(r.taskId, r.token, r.result === undefined ? {} : { result: r.result });

  let waiting: Waiting[] = [];
  let timer: NodeJS.Timeout | null = null;

  const settle = (batch: Waiting[], outcomes: CompletionOutcome[]) => {
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (!outcome) w.reject(new Error(`completeTasks returned ${outcomes.length} outcomes for ${batch.length} completions`));
      else if (outcome.ok) w.resolve(outcome.task);
      else w.reject(outcome.error);
    });
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return;
    completeTasks(batch.map((w) => w.request)).then(
      (outcomes) => settle(batch, outcomes),
      (thrown: unknown) => {
        const error = thrown instanceof Error ? thrown : new Error(String(thrown));
        for (const w of batch) w.reject(error);
      },
    );
  };

  return (request) =>
    new Promise<Task>((resolve, reject) => {
      waiting.push({ request, resolve, reject });
      if (waiting.length >= opts.maxBatch) flush();
      else timer ??= setTimeout(flush, opts.flushDelayMs);
    });
}
