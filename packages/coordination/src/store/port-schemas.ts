import { z } from "zod";
import { assignmentDecisionSchema } from "../domain/assignment-decision.js";
import { EVENT_KINDS } from "../domain/events.js";
import { LIMITS } from "../domain/limits.js";
import { newTaskSchema, TASK_STATES } from "../domain/task.js";
import { pauseTargetSchema } from "../domain/task-type-pause.js";
import { WORKER_STATES } from "../domain/worker.js";
import { workerMetricsSchema } from "../domain/worker-metrics.js";

/**
 * Input validation of the port's arguments, shared by every backend (the contract suite
 * checks the field names). Failures become ValidationError via parseOrThrow.
 */
/** No ':' in ids, so a worker can never pose as `operator:…` or `monitor:…`. */
const WORKER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const name = z.string().min(1).max(LIMITS.nameChars);

export const registrationSchema = z
  .object({
    id: z
      .string()
      .regex(WORKER_ID_RE, "letters, digits, '.', '_' or '-', 1–100 chars, starting with a letter or digit"),
    hostname: z.string().min(1).max(255),
    pid: z.number().int().min(0),
    version: z.string().min(1).max(100),
    maxConcurrency: z.number().int().min(1).max(10_000),
    supportedTaskTypes: z.array(newTaskSchema.shape.type).max(500),
    cpuCores: z.number().positive().max(100_000),
    memoryMb: z.number().int().min(0),
    labels: z.record(z.string().max(100), z.string().max(500)),
    heartbeatIntervalMs: z
      .number()
      .int()
      .min(10)
      .max(24 * 3600_000),
    leaseMs: z
      .number()
      .int()
      .min(10)
      .max(7 * 24 * 3600_000),
    healthUrl: z.url().max(500).nullable(),
  })
  .refine((r) => r.leaseMs >= r.heartbeatIntervalMs, {
    path: ["leaseMs"],
    message: "at least heartbeatIntervalMs (else the lease lapses between heartbeats)",
  });

export const heartbeatSchema = z.object({
  activeTasks: z.number().int().min(0).max(1_000_000),
  metrics: workerMetricsSchema.optional(),
});

export const transitionSchema = z.object({
  to: z.enum(WORKER_STATES),
  expectedFrom: z.array(z.enum(WORKER_STATES)).optional(),
  onlyIfLeaseExpired: z.boolean().optional(),
  actor: name,
  reason: z.string().max(1000),
});

export const lockMetadataSchema = z.object({
  hostname: z.string().min(1).max(255),
  pid: z.number().int().min(0),
  taskType: z.string().min(1).max(64),
});

export const acquireSchema = z.object({
  taskId: name,
  ownerId: name,
  ttlMs: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600_000),
  metadata: lockMetadataSchema,
});

/** A batch claim; a backend may cap `taskIds` lower (GitHub: one settle delay per 100). */
export const claimSchema = z.object({
  workerId: name,
  taskIds: z.array(name).max(1000),
  metadata: lockMetadataSchema.omit({ taskType: true }),
  decisions: z
    .record(name, assignmentDecisionSchema)
    .refine((decisions) => Object.keys(decisions).length <= 1000, "at most one decision per claimed task (1000)")
    .optional(),
});

export const tokenSchema = z.number().int().min(1);
export const operatorSchema = z.object({ actor: name, reason: z.string().max(1000) });
export const requeueSchema = operatorSchema.extend({
  pinnedWorkerId: name.nullable().optional(),
  resetAttempts: z.boolean().optional(),
});
export const failureSchema = z.object({
  message: z.string().max(100_000),
  retryable: z.boolean(),
  retryDelayMs: z
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 3600_000),
});

export const filterSchema = z.object({
  states: z.array(z.enum(TASK_STATES)).max(TASK_STATES.length).optional(),
  types: z.array(z.string().min(1).max(64)).max(200).optional(),
  workerId: name.optional(),
  search: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).nullable().optional(),
});

export const claimableSchema = z.object({
  types: z.array(z.string().min(1).max(64)).max(200),
  workerId: name,
  limit: z.number().int().min(1).max(1000),
});

export const newEventSchema = z.object({
  kind: z.enum(EVENT_KINDS),
  taskId: name.nullable(),
  workerId: name.nullable(),
  actor: name,
  data: z.record(z.string(), z.unknown()),
});

export const readEventsSchema = z.object({
  afterId: z.number().int().min(0),
  limit: z.number().int().min(1).max(10_000),
});

export const settingSchema = z.object({
  key: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "letters, digits, '.', '_', ':' or '-', 1–128 chars"),
  value: z.string().max(65_536),
  actor: name,
});

export const typePauseSchema = z.object({ type: pauseTargetSchema, actor: name });

export const writerSchema = name;
export const prefixSchema = z.string().regex(/^[A-Za-z0-9._:/-]{0,200}$/, "a key prefix: letters, digits, . _ : - /");
