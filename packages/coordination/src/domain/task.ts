import { z } from "zod";
import { boundedJson, LIMITS, PARAMS_LIMIT } from "./limits.js";
import { type DependencyFailurePolicy, dependencyFailurePolicySchema, dependsOnSchema } from "./task-dependencies.js";

/**
 * queued → running → succeeded | failed → (retry after backoff) queued … → dead.
 * `failed` means "failed, retry scheduled at runAt"; it is claimable again once runAt passes.
 * Terminal: succeeded, dead, cancelled. The moves between them are in task-transitions.ts.
 */
export const TASK_STATES = ["queued", "running", "succeeded", "failed", "dead", "cancelled"] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const TERMINAL_TASK_STATES: readonly TaskState[] = ["succeeded", "dead", "cancelled"];

export function isTerminal(state: TaskState): boolean {
  return TERMINAL_TASK_STATES.includes(state);
}

const TASK_TYPE_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** What a caller supplies to create a task. Validated with zod; failures name the field. */
export const newTaskSchema = z.object({
  type: z.string().regex(TASK_TYPE_RE, "lowercase letters, digits, '.', '_' or '-', 1–64 chars"),
  /** Higher runs first. */
  priority: z.number().int().min(-100).max(100).default(0),
  /** Free-form JSON, bounded in size and depth before anything walks it. */
  params: boundedJson(PARAMS_LIMIT).default({}),
  maxAttempts: z.number().int().min(1).max(100).default(3),
  /** Lock TTL: the longest one attempt may run before its lock expires. */
  timeoutMs: z
    .number()
    .int()
    .min(100)
    .max(24 * 3600_000)
    .default(300_000),
  /** Delay before the first attempt. */
  delayMs: z.number().int().min(0).default(0),
  /**
   * Or the store-clock time (ms since the epoch) of the first attempt; wins over delayMs. A
   * time already past means now; at most MAX_DELAY_MS ahead (domain/task-delay.ts).
   */
  runAt: z.number().int().min(0).optional(),
  pinnedWorkerId: z.string().min(1).max(LIMITS.nameChars).nullable().default(null),
  /** Affinity strategy prefers the worker that last ran a task with the same key. */
  affinityKey: z.string().max(200).nullable().default(null),
  title: z.string().max(200).optional(),
  /** Tasks that must all succeed before this one is claimable (domain/task-dependencies.ts). */
  dependsOn: dependsOnSchema.optional(),
  /** What happens to this task if a dependency ends dead or cancelled; "cancel" when left out. */
  onDependencyFailure: dependencyFailurePolicySchema.optional(),
});
export type NewTaskInput = z.input<typeof newTaskSchema>;
export type NewTask = z.output<typeof newTaskSchema>;

export interface Task {
  id: string;
  type: string;
  title: string;
  priority: number;
  params: unknown;
  state: TaskState;
  attempts: number;
  maxAttempts: number;
  timeoutMs: number;
  /** Store-clock ms before which the task is not claimable. */
  runAt: number;
  pinnedWorkerId: string | null;
  affinityKey: string | null;
  /** Tasks that must all succeed before this one starts (fixed at creation). */
  dependsOn: string[];
  onDependencyFailure: DependencyFailurePolicy;
  /** Worker of the current (or last) attempt. */
  workerId: string | null;
  /** Fencing token of the current (or last) attempt. */
  fencingToken: number | null;
  result: unknown;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface TaskFilter {
  states?: TaskState[];
  types?: string[];
  workerId?: string;
  /** Matches id, title, type or params text. */
  search?: string;
  limit?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
