import type { Task } from "../domain/task.js";
import { coerceError, StoreIntegrityError } from "../errors.js";
import type { CompletionOutcome, CompletionRequest, CoordinationStore } from "../store/port.js";

export interface CompletionBatcherOptions {
  /** A batch is ready as soon as this many completions wait (the worker's concurrency). */
  maxBatch: number;
  /** How long the first waiting completion may wait for company while other tasks still run. */
  flushDelayMs: number;
  /** Tasks this worker holds, executing or completing; when all are completing, no company is coming. */
  held?: () => number;
  /**
   * Offer a ready batch to someone who will `take()` it soon (the poll loop, to complete and
   * claim in one transaction). Returns false to decline: the batcher then flushes it itself.
   */
  handOff?: () => boolean;
  /** How long a handed-off batch may wait to be taken before the batcher flushes it itself. */
  handOffTimeoutMs?: number;
}

/** Completes one task; resolves or rejects exactly as `store.completeTask` would. */
export type CompleteFn = (request: CompletionRequest) => Promise<Task>;

export interface PendingCompletion {
  request: CompletionRequest;
  resolve: (task: Task) => void;
  reject: (error: Error) => void;
}

export interface CompletionBatcher {
  complete: CompleteFn;
  /** Everything waiting, removed from the batcher; the taker must `settle` (or `flush`) it. */
  take(): PendingCompletion[];
  /** Per-item outcomes of a taken batch, in order (from `completeTasks` or `completeAndClaim`). */
  settle(batch: PendingCompletion[], outcomes: CompletionOutcome[]): void;
  /** Complete a taken batch with `completeTasks` (or one by one); settles it. */
  flush(batch: PendingCompletion[]): Promise<void>;
}

/**
 * Tasks finishing close together are completed in one store transaction (`completeTasks`),
 * each still fenced on its own: a refused item rejects only its caller. SQLite admits one
 * writer at a time, so fewer, larger write transactions are what lets several workers share
 * a file. A batch is ready when it is full, when no other task is still executing (waiting
 * would only add latency), or after `flushDelayMs`; a ready batch is handed to the poll loop
 * when it takes hand-offs (it then completes it and claims the next batch in the same
 * transaction), and flushed here otherwise. A store without `completeTasks` completes one by
 * one, at once.
 */
export function createCompletionBatcher(store: CoordinationStore, opts: CompletionBatcherOptions): CompletionBatcher {
  const completeTasks = store.completeTasks?.bind(store);
  let waiting: PendingCompletion[] = [];
  let timer: NodeJS.Timeout | null = null;
  /** Taken or being flushed, not yet settled. */
  let outstanding = 0;

  const clearTimer = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };

  const take = (): PendingCompletion[] => {
    clearTimer();
    const batch = waiting;
    waiting = [];
    outstanding += batch.length;
    return batch;
  };

  const settle = (batch: PendingCompletion[], outcomes: CompletionOutcome[]) => {
    outstanding -= batch.length;
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (!outcome)
        w.reject(
          new StoreIntegrityError(`the store returned ${outcomes.length} outcomes for ${batch.length} completions`),
        );
      else if (outcome.ok) w.resolve(outcome.task);
      else w.reject(outcome.error);
    });
  };

  const fail = (batch: PendingCompletion[], thrown: unknown) => {
    outstanding -= batch.length;
    const error = coerceError(thrown);
    for (const w of batch) w.reject(error);
  };

  const flush = async (batch: PendingCompletion[]): Promise<void> => {
    if (batch.length === 0) return;
    if (!completeTasks) {
      outstanding -= batch.length;
      for (const w of batch) {
        const { taskId, token, result } = w.request;
        store.completeTask(taskId, token, result === undefined ? {} : { result }).then(w.resolve, w.reject);
      }
      return;
    }
    try {
      settle(batch, await completeTasks(batch.map((w) => w.request)));
    } catch (thrown) {
      fail(batch, thrown);
    }
  };

  const flushWaiting = () => {
    void flush(take());
  };

  const ready = () => {
    clearTimer();
    // The fallback timer makes a hand-off safe: a batch nobody takes is flushed here anyway.
    if (opts.handOff?.()) timer = setTimeout(flushWaiting, opts.handOffTimeoutMs ?? opts.flushDelayMs);
    else flushWaiting();
  };

  const complete: CompleteFn = (request) =>
    new Promise<Task>((resolve, reject) => {
      waiting.push({ request, resolve, reject });
      const executing = opts.held ? opts.held() - waiting.length - outstanding : 1;
      if (!completeTasks || waiting.length >= opts.maxBatch || executing <= 0) ready();
      else timer ??= setTimeout(ready, opts.flushDelayMs);
    });

  return { complete, take, settle, flush };
}
