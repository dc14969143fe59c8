import { type JsonLimit, jsonLimitProblem, PARAMS_LIMIT, RESULT_LIMIT } from "./limits.js";
import type { Task } from "./task.js";

/** Stands in for stored data beyond the limits wherever it would be displayed or sent on. */
export interface TooLargeToDisplay {
  tooLargeToDisplay: true;
  /** Shown in place of the value. */
  message: string;
}

/**
 * The value itself when it is within the limit, else a marker naming what was exceeded:
 * rows written before the limits existed (or by another writer) must not break a page.
 */
export function displayableJson(value: unknown, limit: JsonLimit): unknown {
  const problem = jsonLimitProblem(value, limit);
  if (problem === null) return value;
  const marker: TooLargeToDisplay = { tooLargeToDisplay: true, message: `too large to display (expected ${problem})` };
  return marker;
}

/** A task as it may be displayed: params and result beyond the limits replaced by the marker. */
export function displayableTask(task: Task): Task {
  const params = displayableJson(task.params, PARAMS_LIMIT);
  const result = displayableJson(task.result, RESULT_LIMIT);
  return params === task.params && result === task.result ? task : { ...task, params, result };
}
