import { jsonDepth } from "./domain/json-depth.js";

/**
 * Typed errors raised at the coordination layer's boundaries. Callers branch on the class
 * (or on `code`, which survives serialisation across tRPC / process boundaries).
 */
export abstract class SentinelError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A write carried a fencing token that is no longer the task's current one. */
export class StaleFencingTokenError extends SentinelError {
  readonly code = "STALE_FENCING_TOKEN";
  constructor(
    readonly taskId: string,
    readonly presented: number,
    readonly current: number | null,
  ) {
    super(
      `fencing token ${presented} for task ${taskId} is stale (current: ${current ?? "none"}); ` +
        "another worker now owns this task, so this write was rejected",
    );
  }
}

export class IllegalTransitionError extends SentinelError {
  readonly code = "ILLEGAL_TRANSITION";
  constructor(
    readonly entity: "worker" | "task" | "lock",
    readonly id: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${entity} ${id}: illegal transition ${from} → ${to}`);
  }
}

/**
 * A start refused because the task's type (or the whole queue) is paused: an illegal
 * transition for now, so callers that skip a task cancelled under them skip this one too.
 */
export class TypePausedError extends IllegalTransitionError {
  constructor(taskId: string, from: string, reason: string) {
    super("task", taskId, from, "running");
    this.message = `task ${taskId} not started: ${reason}`;
  }
}

/** A two-step start refused because its type already runs as many tasks as its limit allows; it waits for one to end. */
export class TypeLimitReachedError extends IllegalTransitionError {
  constructor(taskId: string, from: string, reason: string) {
    super("task", taskId, from, "running");
    this.message = `task ${taskId} not started: ${reason}`;
  }
}

/** A two-step start refused because the task's dependencies have not all succeeded (domain/task-dependencies.ts). */
export class DependenciesPendingError extends IllegalTransitionError {
  constructor(taskId: string, from: string, reason: string) {
    super("task", taskId, from, "running");
    this.message = `task ${taskId} not started: ${reason}`;
  }
}

/** A two-step start refused because the task's runAt (store clock) has not come: a delayed task waits for its time. */
export class TaskNotDueError extends IllegalTransitionError {
  constructor(taskId: string, from: string, runAt: number) {
    super("task", taskId, from, "running");
    this.message = `task ${taskId} not started: it runs at ${new Date(runAt).toISOString()}`;
  }
}

export class NotFoundError extends SentinelError {
  readonly code = "NOT_FOUND";
  constructor(
    readonly entity: "task" | "worker" | "lock" | "memory" | "schedule" | "token",
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
  }
}

/** A worker tried to act on a lease the store no longer honours (OFFLINE / REMOVED / expired). */
export class LeaseLostError extends SentinelError {
  readonly code = "LEASE_LOST";
  constructor(
    readonly workerId: string,
    reason: string,
  ) {
    super(`worker ${workerId} lost its lease: ${reason}`);
  }
}

/** Input that fails validation; `field` names the key at fault and `expected` what would be accepted. */
/** The offending value for a message: shallow ones as JSON (cut short), deep ones only by their depth. */
function describeReceived(received: unknown): string {
  const shallow = 8;
  if (jsonDepth(received, shallow) > shallow) return `a value nested more than ${shallow} levels deep`;
  const text = JSON.stringify(received) ?? String(received);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export class ValidationError extends SentinelError {
  readonly code = "VALIDATION";
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly received?: unknown,
  ) {
    super(
      `invalid ${field}: expected ${expected}${received === undefined ? "" : `, got ${describeReceived(received)}`}`,
    );
  }
}

/** Configuration that cannot be used. Same shape as ValidationError, raised at start-up. */
export class ConfigError extends SentinelError {
  readonly code = "CONFIG";
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly source: string,
  ) {
    super(`configuration ${key} (from ${source}): expected ${expected}`);
  }
}

/** A memory write outside the writer's namespace (e.g. workers/<other-id>/…). */
export class NamespaceViolationError extends SentinelError {
  readonly code = "NAMESPACE_VIOLATION";
  constructor(
    readonly key: string,
    readonly writerId: string,
  ) {
    super(`writer ${writerId} may not write memory key ${key}`);
  }
}

/**
 * The store broke a promise it makes (a write it just made is missing, a batch answered with
 * the wrong number of outcomes): a bug or a damaged store, never the caller's input.
 */
export class StoreIntegrityError extends SentinelError {
  readonly code = "STORE_INTEGRITY";
}

/** Database migrations shipped with the program were not found where they should be. */
export class MissingMigrationsError extends SentinelError {
  readonly code = "MISSING_MIGRATIONS";
  constructor(
    readonly folder: string,
    hint: string,
  ) {
    super(`database migrations (${folder}) not found; ${hint}`);
  }
}

/** Normalise anything thrown into an Error (handlers may throw strings, objects, …). */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === "string") return new Error(thrown);
  try {
    return new Error(JSON.stringify(thrown));
  } catch {
    return new Error(String(thrown));
  }
}
