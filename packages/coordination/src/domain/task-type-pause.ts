import { z } from "zod";
import { TypePausedError } from "../errors.js";
import { newTaskSchema } from "./task.js";

/** The pause target that stops every type: the whole queue. */
export const ALL_TYPES = "*";

/** A task type (or the whole queue, `*`) an operator paused: workers claim none of its tasks until resumed. */
export interface TypePause {
  type: string;
  pausedBy: string;
  /** Store clock, ms. */
  pausedAt: number;
}

export const pauseTargetSchema = z.union([z.literal(ALL_TYPES), newTaskSchema.shape.type], {
  error: "a task type (lowercase letters, digits, '.', '_' or '-') or '*' for every type",
});

/**
 * The pause that keeps tasks of `type` from being claimed: the type's own, else the whole
 * queue's; null when neither is paused. Running tasks are never touched by a pause — it only
 * gates claims, so they finish (or fail and retry once resumed).
 */
export function pauseOf(type: string, pauses: readonly TypePause[]): TypePause | null {
  return pauses.find((p) => p.type === type) ?? pauses.find((p) => p.type === ALL_TYPES) ?? null;
}

/** A two-step start (lock, then start) of a task whose type is paused is refused like a claim would skip it. */
export function assertNotPaused(task: { id: string; type: string; state: string }, pauses: readonly TypePause[]): void {
  const pause = pauseOf(task.type, pauses);
  if (pause) throw new TypePausedError(task.id, task.state, describePause(pause));
}

/** How a pause reads in "why can no worker run this" and on the dashboard. */
export function describePause(pause: TypePause): string {
  const what = pause.type === ALL_TYPES ? "queue" : `type ${pause.type}`;
  return `${what} paused by ${pause.pausedBy} at ${new Date(pause.pausedAt).toISOString()}`;
}
