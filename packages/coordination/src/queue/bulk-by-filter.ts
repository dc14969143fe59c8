import type { Task, TaskState } from "../domain/task.js";
import { isDelayed } from "../domain/task-delay.js";
import { ValidationError } from "../errors.js";
import type { CoordinationStore } from "../store/port.js";
import { TaskQueue } from "./task-queue.js";

/** A bulk action touches at most this many tasks per run (the API's bulk has the same cap). */
export const BULK_LIMIT = 10_000;
const PAGE = 500;
const REPORTED_FAILURES = 50;

export const BULK_ACTIONS = ["retry-dead", "cancel-queued", "promote-delayed"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

interface BulkRule {
  /** The audit action, the same as the dashboard's for the same change. */
  audit: string;
  states: TaskState[];
  /** Beyond the state: promote only what still waits for its time. */
  eligible?: (task: Task, now: number) => boolean;
  apply: (queue: TaskQueue, id: string, actor: string) => Promise<unknown>;
}

export const BULK_RULES: Record<BulkAction, BulkRule> = {
  "retry-dead": { audit: "task.bulk_retry", states: ["dead"], apply: (q, id, actor) => q.retry(id, actor) },
  "cancel-queued": {
    audit: "task.bulk_cancel",
    states: ["queued"],
    apply: (q, id, actor) => q.cancel(id, actor, "operator bulk cancel"),
  },
  "promote-delayed": {
    audit: "task.bulk_promote",
    states: ["queued"],
    eligible: (task, now) => isDelayed(task, now),
    apply: (q, id, actor) => q.promote(id, actor, "operator bulk promote"),
  },
};

export interface BulkFilter {
  types?: string[];
}

/** The ids the action would touch now, oldest page last (the store's order), at most BULK_LIMIT; and how many match. */
export async function selectBulk(
  store: CoordinationStore,
  action: BulkAction,
  filter: BulkFilter,
): Promise<{ ids: string[]; matched: number }> {
  const rule = BULK_RULES[action];
  const now = await store.now();
  const ids: string[] = [];
  let matched = 0;
  let cursor: string | null = null;
  do {
    const page = await store.listTasks({
      states: rule.states,
      ...(filter.types?.length ? { types: filter.types } : {}),
      limit: PAGE,
      cursor,
    });
    for (const task of page.items) {
      if (rule.eligible && !rule.eligible(task, now)) continue;
      matched += 1;
      if (ids.length < BULK_LIMIT) ids.push(task.id);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { ids, matched };
}

export interface BulkOutcome {
  matched: number;
  applied: number;
  failures: Array<{ taskId: string; error: string }>;
}

/**
 * Run the action on what matches now. `expectedCount` is the count the operator confirmed: a
 * set that has since grown or shrunk is refused rather than acted on unseen. Each task is one
 * TaskQueue call; a task that changed state meanwhile is reported, and the rest go on.
 */
export async function runBulk(
  store: CoordinationStore,
  action: BulkAction,
  filter: BulkFilter,
  options: { actor: string; expectedCount?: number },
): Promise<BulkOutcome> {
  const { ids, matched } = await selectBulk(store, action, filter);
  if (options.expectedCount !== undefined && options.expectedCount !== matched)
    throw new ValidationError(
      "expectedCount",
      `the ${options.expectedCount} task(s) confirmed; the filter now matches ${matched}, review and confirm again`,
    );
  const queue = new TaskQueue(store);
  const failures: BulkOutcome["failures"] = [];
  let applied = 0;
  for (const id of ids) {
    try {
      await BULK_RULES[action].apply(queue, id, options.actor);
      applied += 1;
    } catch (error) {
      if (failures.length < REPORTED_FAILURES)
        failures.push({ taskId: id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { matched, applied, failures };
}
