import { LIMITS } from "../domain/limits.js";
import {
  type LogLevel,
  type NewLogLine,
  newLogLineSchema,
  parseProgress,
  type TaskLogBatch,
} from "../domain/task-log.js";
import { coerceError, IllegalTransitionError, StaleFencingTokenError } from "../errors.js";
import { parseOrThrow } from "../validation.js";

/** `ctx.log(message, fields?)` or `ctx.log(level, message, fields?)`. */
export interface TaskLogFn {
  (message: string, fields?: Record<string, unknown>): void;
  (level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

export interface TaskLogRecorderOptions {
  /** The fenced store write of one batch; `final` for the attempt's last, right before its outcome. */
  write(batch: TaskLogBatch, final: boolean): Promise<void>;
  /** The store's pace (CoordinationStore.taskLogFlushMs). */
  flushMs: number;
  /** A write failed; the batch's lines are counted as dropped. */
  onError(error: Error): void;
}

/**
 * Buffers one attempt's `ctx.log` lines and `ctx.progress` value and hands them to the store
 * at most once per `flushMs` (the first write `flushMs` after the first line, so a task
 * shorter than that costs one write at its end), and once more when the attempt ends.
 * Memory is bounded whatever the handler does: past LIMITS.taskLogLines pending lines the
 * oldest go and are counted, and a task that never logs costs no write at all. Arguments are
 * checked at the call (ValidationError naming the argument), so a handler's mistake fails
 * that handler, never the worker.
 */
export class TaskLogRecorder {
  private pending: NewLogLine[] = [];
  private pendingDropped = 0;
  private pendingProgress: TaskLogBatch["progress"];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Set once the store refused the attempt's writes (fenced out) or the attempt ended. */
  private stopped = false;
  /** Anything was ever logged or reported. */
  private used = false;

  constructor(private readonly options: TaskLogRecorderOptions) {}

  readonly log: TaskLogFn = (first: string, second?: unknown, third?: unknown) => {
    // A string second argument means the first is the level (checked: ValidationError naming `level`).
    const levelForm = typeof second === "string";
    const line = parseOrThrow(
      newLogLineSchema,
      levelForm ? { level: first, message: second, fields: third } : { level: "info", message: first, fields: second },
      "log",
    );
    this.add(line.fields === undefined ? { level: line.level, message: line.message } : line);
  };

  readonly progress = (fraction: number, message?: string): void => {
    this.pendingProgress = parseProgress(fraction, message);
    this.schedule();
  };

  /** A line already checked (the command handler's captured output). */
  add(line: NewLogLine): void {
    if (this.stopped) return;
    this.pending.push(line);
    if (this.pending.length > LIMITS.taskLogLines) {
      this.pending.shift();
      this.pendingDropped += 1;
    }
    this.schedule();
  }

  /** The final flush: waits for writes in flight, writes what is left, and takes nothing after. */
  async close(): Promise<void> {
    // Most tasks never log: closing theirs costs no promise chain on the hot path.
    if (!this.used) {
      this.stopped = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush(true);
    this.stopped = true;
  }

  private schedule(): void {
    this.used = true;
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush(false);
    }, this.options.flushMs);
    this.timer.unref();
  }

  private flush(final: boolean): Promise<void> {
    this.writing = this.writing.then(() => this.writeNext(final));
    return this.writing;
  }

  private async writeNext(final: boolean): Promise<void> {
    if (this.stopped || (this.pending.length === 0 && this.pendingProgress === undefined)) return;
    const batch: TaskLogBatch = {
      lines: this.pending,
      ...(this.pendingProgress ? { progress: this.pendingProgress } : {}),
      ...(this.pendingDropped > 0 ? { dropped: this.pendingDropped } : {}),
    };
    this.pending = [];
    this.pendingDropped = 0;
    this.pendingProgress = undefined;
    try {
      await this.options.write(batch, final);
    } catch (thrown) {
      const error = coerceError(thrown);
      if (error instanceof StaleFencingTokenError || error instanceof IllegalTransitionError) this.stopped = true;
      else this.pendingDropped += batch.lines.length + (batch.dropped ?? 0);
      this.options.onError(error);
    }
  }
}
