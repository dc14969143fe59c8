import { z } from "zod";
import { newAuditRecordSchema } from "../../../domain/audit.js";
import { EVENT_KINDS } from "../../../domain/events.js";
import { LIMITS } from "../../../domain/limits.js";
import { newScheduleSchema } from "../../../domain/schedule.js";
import { DEPENDENCY_FAILURE_POLICIES, MAX_DEPENDENCIES } from "../../../domain/task-dependencies.js";
import { LOG_LEVELS, PROGRESS_MESSAGE_CHARS } from "../../../domain/task-log.js";
import { WORKER_STATES } from "../../../domain/worker.js";
import { workerMetricsSchema } from "../../../domain/worker-metrics.js";

/**
 * Payloads of the hidden `sentinel:v1` blocks. Every record carries a nonce `n` (retries of
 * a POST that took effect but answered 5xx create duplicates; the nonce identifies them) and
 * the events it produced (`ev`), from which readEvents is derived without extra writes.
 */
const int = z.number().int();
const ms = int.min(0);

export const eventEntrySchema = z.object({
  kind: z.enum(EVENT_KINDS),
  at: ms,
  taskId: z.string().nullable(),
  workerId: z.string().nullable(),
  actor: z.string(),
  data: z.record(z.string(), z.unknown()),
  /** Server `updated_at` of the comment version that introduced this entry (filled on the next PATCH). */
  sat: z.string().optional(),
});
export type EventEntry = z.infer<typeof eventEntrySchema>;

const base = {
  n: z.string().min(8).max(64),
  at: ms,
  ev: z.array(eventEntrySchema).max(1100),
  /** Entries dropped from the front of `ev` (long-lived records keep a bounded history); keeps event ids stable. */
  evBase: int.min(0).optional(),
};

/**
 * One attempt's kept progress and log lines (domain/task-log.ts), bounded by the same limits
 * the writer keeps, so an oversized log is refused as malformed. It is the body of the
 * attempt's Logs comment, or rides in its claim's final PATCH (see store/github/task-logs.ts).
 */
export const logPartSchema = z.object({
  attempt: int.min(1),
  worker: z.string().min(1),
  progress: z
    .object({ f: z.number().min(0).max(1), m: z.string().max(PROGRESS_MESSAGE_CHARS).nullable(), at: ms })
    .nullable(),
  lines: z
    .array(
      z.object({
        at: ms,
        l: z.enum(LOG_LEVELS),
        m: z.string().max(LIMITS.logLineChars),
        f: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .max(LIMITS.taskLogLines),
  dropped: int.min(0),
});
export type LogPart = z.infer<typeof logPartSchema>;

export const taskSpecSchema = z.object({
  type: z.string(),
  title: z.string(),
  priority: int,
  params: z.unknown(),
  maxAttempts: int.min(1),
  timeoutMs: int.min(1),
  delayMs: ms,
  /** The first attempt's store-clock time when the creator gave one (it wins over delayMs). */
  runAt: ms.optional(),
  pinnedWorkerId: z.string().nullable(),
  affinityKey: z.string().nullable(),
  /** Left out by writers before dependencies existed, and for a task without any. */
  dependsOn: z.array(z.string()).max(MAX_DEPENDENCIES).optional(),
  onDependencyFailure: z.enum(DEPENDENCY_FAILURE_POLICIES).optional(),
});

export const taskRecordSchema = z.object({ k: z.literal("task"), ...base, spec: taskSpecSchema, actor: z.string() });
export type TaskRecord = z.infer<typeof taskRecordSchema>;

const endSchema = z.object({
  state: z.enum(["released", "succeeded", "failed", "dead"]),
  at: ms,
  result: z.unknown().optional(),
  error: z.string().optional(),
  runAt: ms.optional(),
});
export type AttemptEnd = z.infer<typeof endSchema>;

export const claimRecordSchema = z.object({
  k: z.literal("claim"),
  ...base,
  owner: z.string().min(1),
  ttlMs: int.min(1),
  /** The owner's registration incarnation: a re-registered (fresh) worker does not inherit old claims. */
  inc: z.string(),
  meta: z.object({ hostname: z.string(), pid: int, taskType: z.string() }),
  rev: int.min(0),
  /**
   * Claim-and-start (claimTasks): if this claim wins, it IS the attempt — no start PATCH. It
   * wins when it follows the barrier, the task is startable at its position, and every
   * earlier open claim is listed in `over` (claims its author read as dead before posting).
   */
  auto: z.literal(true).optional(),
  over: z.array(int).max(200).optional(),
  /** Set by startTask after acquireLock (the two-step path). */
  start: z.object({ at: ms, attempt: int.min(1) }).optional(),
  stored: z.object({ result: z.unknown(), at: ms }).optional(),
  end: endSchema.optional(),
  /** The attempt's final log, written with its outcome when it never needed a Logs comment. */
  log: logPartSchema.optional(),
});
export type ClaimRecord = z.infer<typeof claimRecordSchema>;

export const taskOpSchema = z.object({
  k: z.literal("op"),
  ...base,
  /**
   * cancel / requeue / force-release / recover / dependency-failed revoke the lock (fencing
   * moves on); end finishes an attempt; edit changes a queued task's priority or params and
   * leaves the lock alone; promote brings a delayed task's runAt forward to the op's time and
   * leaves the lock alone.
   */
  op: z.enum(["cancel", "requeue", "force-release", "recover", "end", "dependency-failed", "edit", "promote"]),
  actor: z.string(),
  reason: z.string(),
  /** For `end` / `recover`: the fencing token of the attempt it ends. */
  token: int.optional(),
  end: endSchema.optional(),
  /** For `requeue`: undefined keeps the pin, null clears it. */
  pinnedWorkerId: z.string().nullable().optional(),
  resetAttempts: z.boolean().optional(),
  /** For `dependency-failed`: how the dependent ends (its policy), and the dependency that doomed it. */
  state: z.enum(["cancelled", "dead"]).optional(),
  dependency: z.string().optional(),
  /** For `edit`: the new values (a field left out is unchanged). */
  priority: int.optional(),
  params: z.unknown().optional(),
});
export type TaskOpRecord = z.infer<typeof taskOpSchema>;

export const workerRecordSchema = z.object({
  k: z.literal("worker"),
  ...base,
  reg: z.object({
    id: z.string().min(1),
    hostname: z.string(),
    pid: int,
    version: z.string(),
    maxConcurrency: int.min(0),
    supportedTaskTypes: z.array(z.string()),
    cpuCores: z.number(),
    memoryMb: z.number(),
    labels: z.record(z.string(), z.string()),
    heartbeatIntervalMs: int.min(1),
    leaseMs: int.min(1),
    healthUrl: z.string().nullable(),
  }),
  /** Nonce of this incarnation; a fresh registration (after OFFLINE/REMOVED/lapse) gets a new one. */
  inc: z.string(),
  state: z.enum(WORKER_STATES),
  activeTasks: int.min(0),
  registeredAt: ms,
  stateChangedAt: ms,
  drainRequested: z.boolean(),
  /** Worker ops with ids ≤ basis are already folded into `state`. */
  basis: int.min(0),
  rev: int.min(0),
  /** Heartbeat stretch in force when this was written; the effective lease is reg.leaseMs × stretch. */
  stretch: z.number().min(1),
  /** The worker's metrics rollup and the store-clock time it was written (the heartbeat that carried it). */
  metrics: z.object({ at: ms, m: workerMetricsSchema }).optional(),
});
export type WorkerRecordPayload = z.infer<typeof workerRecordSchema>;

export const workerOpSchema = z.object({
  k: z.literal("wop"),
  ...base,
  worker: z.string().min(1),
  to: z.enum(WORKER_STATES).optional(),
  expectedFrom: z.array(z.enum(WORKER_STATES)).optional(),
  drain: z.boolean().optional(),
  /** Applies only if, at the op's time, the worker's last heartbeat is older than its lease. */
  onlyIfLeaseExpired: z.boolean().optional(),
  actor: z.string(),
  reason: z.string(),
});
export type WorkerOpRecord = z.infer<typeof workerOpSchema>;

export const memoryRecordSchema = z.object({
  k: z.literal("mem"),
  ...base,
  ops: z
    .array(
      z.object({
        key: z.string(),
        value: z.unknown().optional(),
        del: z.boolean().optional(),
        writer: z.string(),
        /** Set on compaction snapshots: the version the entry had in the rotated issue. */
        version: int.optional(),
        updatedAt: ms.optional(),
      }),
    )
    .max(1024),
  snapshot: z.boolean().optional(),
});
export type MemoryRecord = z.infer<typeof memoryRecordSchema>;

/** The Logs comment of one attempt, on its task's issue: PATCHed with each flush. */
export const logRecordSchema = z.object({
  k: z.literal("log"),
  ...base,
  /** The attempt's fencing token (its claim's comment id). */
  token: int.min(1),
  rev: int.min(0),
  ...logPartSchema.shape,
});
export type LogRecord = z.infer<typeof logRecordSchema>;

export const eventsRecordSchema = z.object({ k: z.literal("events"), ...base });

export const settingRecordSchema = z.object({
  k: z.literal("setting"),
  ...base,
  key: z.string(),
  value: z.string(),
  actor: z.string(),
});

/** A pause (paused: true) or resume of a task type's claims, on the settings issue; the newest for a type wins. */
export const pauseRecordSchema = z.object({
  k: z.literal("pause"),
  ...base,
  type: z.string().min(1).max(64),
  paused: z.boolean(),
  actor: z.string(),
});
export type PauseRecord = z.infer<typeof pauseRecordSchema>;

/**
 * A task type's limits as of one change (domain/task-type-limit.ts), on the settings issue;
 * the newest record for a type wins, and one with neither limit clears it (type-limit-store.ts).
 */
export const limitRecordSchema = z.object({
  k: z.literal("limit"),
  ...base,
  type: z.string().min(1).max(64),
  maxRunning: int.min(1).nullable(),
  maxStarts: int.min(1).nullable(),
  intervalMs: int.min(1).nullable(),
  actor: z.string(),
});
export type LimitRecord = z.infer<typeof limitRecordSchema>;

/**
 * A repeating schedule as of one change (create, edit, pause, resume), or its deletion (no
 * `s`), on the settings issue; the newest record for a schedule id wins (store/github/schedule-store.ts).
 */
export const scheduleRecordSchema = z.object({
  k: z.literal("sched"),
  ...base,
  sid: z.string().min(1).max(64),
  s: newScheduleSchema.extend({ horizon: ms, createdAt: ms, createdBy: z.string().min(1).max(200) }).optional(),
  actor: z.string(),
});
export type ScheduleRecord = z.infer<typeof scheduleRecordSchema>;

/**
 * A claim to fire one slot of a schedule, on the settings issue: the first such record for
 * (sid, slot) in comment-id order that the fold accepts fires it; every other is void.
 * `task` is the slot's task id (fixed by the slot, see schedule-store.ts).
 */
export const slotRecordSchema = z.object({
  k: z.literal("slot"),
  ...base,
  sid: z.string().min(1).max(64),
  slot: ms,
  task: z.string().min(1).max(64),
  by: z.string().min(1).max(200),
});
export type SlotRecord = z.infer<typeof slotRecordSchema>;

/** One operator action of the durable audit (domain/audit.ts), on the audit issue. */
export const auditRecordSchema = z.object({
  k: z.literal("audit"),
  ...base,
  entry: newAuditRecordSchema,
});
export type AuditRecordPayload = z.infer<typeof auditRecordSchema>;

export const recordSchema = z.discriminatedUnion("k", [
  auditRecordSchema,
  taskRecordSchema,
  claimRecordSchema,
  taskOpSchema,
  workerRecordSchema,
  workerOpSchema,
  memoryRecordSchema,
  eventsRecordSchema,
  settingRecordSchema,
  pauseRecordSchema,
  limitRecordSchema,
  scheduleRecordSchema,
  slotRecordSchema,
  logRecordSchema,
]);
export type SentinelRecord = z.infer<typeof recordSchema>;
