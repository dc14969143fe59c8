import { newTaskSchema, TASK_STATES } from "@sentinel/coordination";
import { z } from "zod";

export const taskFilterInput = z.object({
  states: z.array(z.enum(TASK_STATES)).max(TASK_STATES.length).optional(),
  types: z.array(z.string().min(1).max(64)).max(50).optional(),
  workerId: z.string().min(1).max(200).optional(),
  search: z.string().max(200).optional(),
});

export const taskListInput = taskFilterInput.extend({
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).nullish(),
});

/**
 * A new task as the API takes it: the store's fields, with `runAt` as an ISO 8601 time
 * (with an offset or Z) instead of ms, turned into the store-clock ms the store expects.
 */
export const createTaskInput = newTaskSchema.extend({
  runAt: z.iso
    .datetime({ offset: true })
    .transform((iso) => Date.parse(iso))
    .optional(),
});

export const taskIdInput = z.object({ taskId: z.string().min(1).max(200) });

export const taskActionInput = taskIdInput.extend({ reason: z.string().max(500).optional() });

/** The edit itself is validated by the store's schema (domain/task-edit.ts), naming the field. */
export const editInput = taskIdInput.extend({
  priority: z.number().int().optional(),
  params: z.unknown().optional(),
});

export const reassignInput = taskIdInput.extend({
  /** A worker id, or null for "any eligible worker". */
  workerId: z.string().min(1).max(200).nullable(),
});

export const bulkInput = z.object({
  action: z.enum(["retry", "cancel", "promote"]),
  filter: taskFilterInput,
  /** true: only count what would be affected (the confirmation step). */
  dryRun: z.boolean(),
  /** The count the operator confirmed; the real run is refused if the filter now matches another number. */
  expectedCount: z.number().int().min(0).optional(),
});
