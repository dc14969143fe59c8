import { z } from "zod";
import { newTaskSchema } from "./task.js";

/** At most `maxRunning` tasks of `type` run at once across the cluster (issue 12 item 5). */
export interface TypeLimit {
  type: string;
  maxRunning: number;
  setBy: string;
  /** Store clock, ms. */
  setAt: number;
}

export const typeLimitSchema = z.object({
  type: newTaskSchema.shape.type,
  maxRunning: z.number().int().min(1).max(100_000),
  actor: z.string().min(1).max(200),
});

/**
 * Claims a type may still take given `running` of its tasks already running: unbounded
 * (Infinity) without a limit, else what is left under it (never negative — a limit lowered
 * below the running count lets them finish and starts nothing until they are under it).
 */
export function startsLeft(type: string, running: number, limits: readonly TypeLimit[]): number {
  const limit = limits.find((l) => l.type === type);
  return limit ? Math.max(0, limit.maxRunning - running) : Number.POSITIVE_INFINITY;
}

/** How a task held back by its type's limit reads on the task and the type. */
export function describeLimitWait(limit: TypeLimit, running: number): string {
  return `waiting for limit: ${running}/${limit.maxRunning} ${limit.type} tasks running`;
}
