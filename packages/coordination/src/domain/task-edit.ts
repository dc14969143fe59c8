import { z } from "zod";
import { newTaskSchema, type Task } from "./task.js";

/**
 * An operator's change to work no worker has started (issue 12 item 6): the priority, the
 * params, or both. Only a queued task may be edited (task-transitions.ts `edit`); the store
 * decides that in the same step that writes the change, so a task a worker started first is
 * refused, never edited under it.
 */
export const taskEditSchema = z
  .object({
    priority: newTaskSchema.shape.priority.removeDefault().optional(),
    params: newTaskSchema.shape.params.removeDefault().optional(),
  })
  .strict()
  .refine((edit) => edit.priority !== undefined || edit.params !== undefined, {
    message: "priority, params or both",
  });
export type TaskEdit = z.infer<typeof taskEditSchema>;

/** What an edit changed, as its event and the audit log record it: the fields that differ, before and after. */
export function describeEdit(
  task: Pick<Task, "priority" | "params">,
  edit: TaskEdit,
): { before: Partial<TaskEdit>; after: Partial<TaskEdit> } {
  const before: Partial<TaskEdit> = {};
  const after: Partial<TaskEdit> = {};
  if (edit.priority !== undefined && edit.priority !== task.priority) {
    before.priority = task.priority;
    after.priority = edit.priority;
  }
  if (edit.params !== undefined && JSON.stringify(edit.params) !== JSON.stringify(task.params)) {
    before.params = task.params;
    after.params = edit.params;
  }
  return { before, after };
}
