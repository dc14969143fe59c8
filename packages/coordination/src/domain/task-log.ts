import { z } from "zod";
import { ValidationError } from "../errors.js";
import { parseOrThrow } from "../validation.js";
import { jsonLimitProblem, LIMITS } from "./limits.js";

/**
 * A task's progress and log, written by the attempt that runs it and kept with the task:
 * the latest progress value and the last lines (bounded by LIMITS.taskLogLines and
 * LIMITS.taskLogChars; older lines are dropped and counted). Times are the store's clock at
 * the write that carried them (invariant 2), so lines of one batch share a time and keep
 * their order.
 */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface TaskLogLine {
  at: number;
  attempt: number;
  level: LogLevel;
  message: string;
  fields?: Record<string, unknown>;
}

export interface TaskProgress {
  /** 0 … 1. */
  fraction: number;
  message: string | null;
  at: number;
  attempt: number;
}

export interface TaskLog {
  taskId: string;
  progress: TaskProgress | null;
  /** Oldest first. */
  lines: TaskLogLine[];
  /** Lines written for this task but no longer kept (rotated out, or dropped by a flooded writer). */
  dropped: number;
  /** Store time of the last write, or null when nothing was ever written. */
  updatedAt: number | null;
}

/** One line as a writer hands it over (the store adds the time and the attempt). */
export interface NewLogLine {
  level: LogLevel;
  message: string;
  fields?: Record<string, unknown>;
}

/** What one write carries: lines in order, the latest progress, lines the writer already dropped. */
export interface TaskLogBatch {
  lines: NewLogLine[];
  progress?: { fraction: number; message: string | null };
  dropped?: number;
}

/** Progress messages are one short line. */
export const PROGRESS_MESSAGE_CHARS = 200;
const TRUNCATED = "…[truncated]";

/** Cut `text` to `max` characters, marking the cut, so one long line never costs more than its share. */
export function truncateText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - TRUNCATED.length)}${TRUNCATED}`;
}

const fieldsSchema = z.record(z.string().max(LIMITS.nameChars), z.unknown()).superRefine((value, ctx) => {
  const problem = jsonLimitProblem(value, { maxBytes: LIMITS.logFieldsBytes, maxDepth: 8 });
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const newLogLineSchema = z.object({
  level: z.enum(LOG_LEVELS),
  message: z.string().transform((text) => truncateText(text, LIMITS.logLineChars)),
  fields: fieldsSchema.optional(),
});

export const progressSchema = z.object({
  fraction: z.number().min(0).max(1),
  message: z
    .string()
    .transform((text) => truncateText(text, PROGRESS_MESSAGE_CHARS))
    .nullable(),
});

export const taskLogBatchSchema = z
  .object({
    lines: z.array(newLogLineSchema).max(LIMITS.taskLogLines),
    progress: progressSchema.optional(),
    dropped: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();

/** A batch checked against the limits: ValidationError naming the field (e.g. `lines.3.level`) otherwise. */
export function parseTaskLogBatch(batch: unknown): TaskLogBatch {
  return parseOrThrow(taskLogBatchSchema, batch, "batch") as TaskLogBatch;
}

/** A handler's `ctx.progress(fraction, message)` arguments, checked (ValidationError naming the argument). */
export function parseProgress(fraction: unknown, message: unknown): { fraction: number; message: string | null } {
  if (typeof fraction !== "number" || !Number.isFinite(fraction) || fraction < 0 || fraction > 1)
    throw new ValidationError("fraction", "a number from 0 to 1", fraction);
  if (message !== undefined && message !== null && typeof message !== "string")
    throw new ValidationError("message", "a string (or nothing)", message);
  return { fraction, message: typeof message === "string" ? truncateText(message, PROGRESS_MESSAGE_CHARS) : null };
}

function lineChars(line: TaskLogLine): number {
  return line.message.length + (line.fields ? JSON.stringify(line.fields).length : 0);
}

/**
 * Rotation: the newest lines that fit both limits, and how many older ones went. Every
 * backend keeps a task's log through this one rule.
 */
export function keepNewest(lines: readonly TaskLogLine[]): { kept: TaskLogLine[]; dropped: number } {
  let chars = 0;
  let start = lines.length;
  while (start > 0 && lines.length - start < LIMITS.taskLogLines) {
    const line = lines[start - 1] as TaskLogLine;
    const size = lineChars(line);
    if (chars + size > LIMITS.taskLogChars) break;
    chars += size;
    start -= 1;
  }
  return { kept: lines.slice(start), dropped: start };
}

/** The empty log of a task nobody has written to. */
export function emptyTaskLog(taskId: string): TaskLog {
  return { taskId, progress: null, lines: [], dropped: 0, updatedAt: null };
}
