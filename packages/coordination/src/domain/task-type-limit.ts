import ms from "ms";
import { z } from "zod";
import { ValidationError } from "../errors.js";
import { newTaskSchema } from "./task.js";

/**
 * A task type's limits across the cluster (issue 12 item 5): at most `maxRunning` of its tasks
 * running at once, and at most `maxStarts` starts in any window of `intervalMs`. Either may be
 * absent (null); a type with neither has no limit record at all.
 */
export interface TypeLimit {
  type: string;
  maxRunning: number | null;
  /** With `intervalMs`: "at most 30 starts a minute" is maxStarts 30, intervalMs 60 000. */
  maxStarts: number | null;
  intervalMs: number | null;
  setBy: string;
  /** Store clock, ms. */
  setAt: number;
}

export interface StartsLimit {
  maxStarts: number;
  intervalMs: number;
}

/**
 * What `setTaskTypeLimit` changes: a field left out keeps its value, null clears it. A plain
 * number is `{ maxRunning: n }` (the older call); null clears both.
 */
export type TypeLimitChange = number | null | { maxRunning?: number | null; starts?: StartsLimit | null };

/** The longest window: starts are kept for one window, so a day bounds what the store holds. */
export const MAX_LIMIT_INTERVAL_MS = 24 * 3600_000;

export const maxRunningSchema = z.number().int().min(1).max(100_000);
export const startsLimitSchema = z.object({
  maxStarts: z.number().int().min(1).max(100_000),
  intervalMs: z.number().int().min(1000).max(MAX_LIMIT_INTERVAL_MS),
});

export const typeLimitChangeSchema = z.object({
  type: newTaskSchema.shape.type,
  maxRunning: maxRunningSchema.nullable().optional(),
  starts: startsLimitSchema.nullable().optional(),
  actor: z.string().min(1).max(200),
});

function normalizedChange(change: TypeLimitChange): { maxRunning?: number | null; starts?: StartsLimit | null } {
  if (change === null) return { maxRunning: null, starts: null };
  if (typeof change === "number") return { maxRunning: change };
  return change;
}

/** The limit in force after `change` (validated, naming the field), or null when nothing is left of it. */
export function applyLimitChange(
  current: TypeLimit | null,
  type: string,
  change: TypeLimitChange,
  actor: string,
  now: number,
): TypeLimit | null {
  const parsed = typeLimitChangeSchema.safeParse({ type, actor, ...normalizedChange(change) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "limit";
    throw new ValidationError(field, issue?.message ?? "a valid limit", JSON.stringify(change));
  }
  const { maxRunning, starts } = parsed.data;
  const running = maxRunning === undefined ? (current?.maxRunning ?? null) : maxRunning;
  const currentStarts =
    current?.maxStarts != null && current.intervalMs != null
      ? { maxStarts: current.maxStarts, intervalMs: current.intervalMs }
      : null;
  const rate = starts === undefined ? currentStarts : starts;
  if (running === null && rate === null) return null;
  return {
    type,
    maxRunning: running,
    maxStarts: rate?.maxStarts ?? null,
    intervalMs: rate?.intervalMs ?? null,
    setBy: actor,
    setAt: now,
  };
}

/** "30/1m" (30 starts a minute), "100/1h", "5/30s"; refused naming `field` otherwise. */
export function parseStartsLimit(text: string, field = "starts"): StartsLimit {
  const match = /^\s*(\d{1,6})\s*\/\s*(\S{1,32})\s*$/.exec(text);
  const interval = match?.[2] ? ms(match[2] as ms.StringValue) : Number.NaN;
  const parsed = startsLimitSchema.safeParse({ maxStarts: Number(match?.[1]), intervalMs: interval });
  if (!match || !parsed.success)
    throw new ValidationError(field, 'starts per interval such as "30/1m" (1 s to 1 d, at least 1 start)', text);
  return parsed.data;
}

/** What a type has used of its limit at one instant. */
export interface TypeLoad {
  running: number;
  /** Starts within the last `intervalMs` (0 for a type without a starts limit). */
  recentStarts: number;
}

/**
 * Claims a type may still take: unbounded (Infinity) without a limit, else what is left under
 * both (never negative — a limit lowered below the running count lets them finish and starts
 * nothing until they are under it).
 */
export function startsLeft(limit: TypeLimit | undefined, load: TypeLoad): number {
  if (!limit) return Number.POSITIVE_INFINITY;
  const byRunning = limit.maxRunning === null ? Number.POSITIVE_INFINITY : limit.maxRunning - load.running;
  const byRate = limit.maxStarts === null ? Number.POSITIVE_INFINITY : limit.maxStarts - load.recentStarts;
  return Math.max(0, Math.min(byRunning, byRate));
}

/** How a task held back by its type's limit reads on the task and the type; null when the limit does not hold it. */
export function describeLimitWait(limit: TypeLimit, load: TypeLoad): string | null {
  if (limit.maxRunning !== null && load.running >= limit.maxRunning)
    return `waiting for limit: ${load.running}/${limit.maxRunning} ${limit.type} tasks running`;
  if (limit.maxStarts !== null && limit.intervalMs !== null && load.recentStarts >= limit.maxStarts)
    return `waiting for limit: ${load.recentStarts}/${limit.maxStarts} ${limit.type} starts in the last ${ms(limit.intervalMs)}`;
  return null;
}

/** "30/1m", the form parseStartsLimit reads back; "" for a limit without a starts part. */
export function formatStartsLimit(limit: Pick<TypeLimit, "maxStarts" | "intervalMs"> | null): string {
  return limit?.maxStarts != null && limit.intervalMs != null ? `${limit.maxStarts}/${ms(limit.intervalMs)}` : "";
}

/** "at most 3 running, 30 starts per 1m" for listings. */
export function describeLimit(limit: TypeLimit): string {
  const parts = [];
  if (limit.maxRunning !== null) parts.push(`at most ${limit.maxRunning} running`);
  if (limit.maxStarts !== null && limit.intervalMs !== null)
    parts.push(`${limit.maxStarts} starts per ${ms(limit.intervalMs)}`);
  return parts.join(", ");
}
