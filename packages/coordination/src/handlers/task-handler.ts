import type { Logger } from "pino";
import type { z } from "zod";
import type { Task, TaskState } from "../domain/task.js";
import type { TaskLogFn } from "../runtime/task-log-recorder.js";

/** What a handler may read from and write to shared memory while it runs. */
export interface TaskMemory {
  /** Entries under `tasks/<task id>/…` and `global/…` read before execution (the task flow's get-context step). */
  context: Record<string, unknown>;
  get(key: string): Promise<unknown>;
  /** Written as this worker; namespace isolation applies (`workers/<other>/…` is refused). */
  set(key: string, value: unknown): Promise<void>;
}

/** One dependency of the running task, as its handler sees it (runtime/steps/dependency-results.ts). */
export interface DependencyResult {
  id: string;
  type: string;
  state: TaskState;
  /** Its result; null and `resultOmitted` when it is larger than DEPENDENCY_RESULT_CHARS as JSON. */
  result: unknown;
  resultOmitted: boolean;
}

export interface HandlerContext<P = unknown> {
  task: Task;
  /** The task's params, validated by the handler's paramsSchema when it declares one. */
  params: P;
  attempt: number;
  /** Pass this along to side effects so they can reject writes from a superseded attempt. */
  fencingToken: number;
  /** Aborted on timeout, on lease loss, or on forced shutdown. */
  signal: AbortSignal;
  memory: TaskMemory;
  /** The task's dependencies (`dependsOn`, all succeeded) with their results, bounded; empty without any. */
  dependencies: DependencyResult[];
  /**
   * A line in the task's log, kept with the task and shown live on its page:
   * `log(message, fields?)` (level info) or `log(level, message, fields?)` with level
   * debug | info | warn | error. Bounded (domain/task-log.ts); bad arguments throw a
   * ValidationError naming the argument.
   */
  log: TaskLogFn;
  /** The task's progress, `fraction` from 0 to 1, shown as a bar on the dashboard; the latest value counts. */
  progress(fraction: number, message?: string): void;
  /** The worker's own structured logger (its stdout), with the task id bound; not kept with the task. */
  logger: Logger;
}

export type TaskHandler<P = unknown> = (ctx: HandlerContext<P>) => Promise<unknown>;

export interface HandlerDefinition<P = unknown> {
  run: TaskHandler<P>;
  /** Params that fail it fail the task at once (not retryable) with the field named. */
  paramsSchema?: z.ZodType<P>;
}

/** Build a handler definition with its params type inferred from the schema. */
export function defineHandler<S extends z.ZodType>(paramsSchema: S, run: TaskHandler<z.output<S>>): HandlerDefinition {
  return { paramsSchema, run: run as TaskHandler } as HandlerDefinition;
}
