import { createHash } from "node:crypto";
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

/** What an edit's event keeps of a params value: its size and a hash, never the value. */
export interface ParamsDigest {
  /** Characters of the params as JSON. */
  chars: number;
  /** sha256 of the params as JSON, hex. */
  sha256: string;
}

export type EditDescription = {
  /** The fields the edit changed, in a fixed order. */
  changed: ("priority" | "params")[];
  before: { priority?: number; params?: ParamsDigest };
  after: { priority?: number; params?: ParamsDigest };
};

function digestParams(params: unknown): ParamsDigest {
  const text = JSON.stringify(params) ?? "null";
  return { chars: text.length, sha256: createHash("sha256").update(text).digest("hex") };
}

/**
 * What an edit changed, as its event records it: the fields that differ, the priority before
 * and after, and for params only a size and hash. Params may be up to a megabyte; kept in
 * full, an edit's event carried them twice (on GitHub about three times in the op comment),
 * so an edit with params over ~20k characters passed the 64 KiB comment limit and was
 * refused. The task itself holds the new params.
 */
export function describeEdit(task: Pick<Task, "priority" | "params">, edit: TaskEdit): EditDescription {
  const description: EditDescription = { changed: [], before: {}, after: {} };
  if (edit.priority !== undefined && edit.priority !== task.priority) {
    description.changed.push("priority");
    description.before.priority = task.priority;
    description.after.priority = edit.priority;
  }
  if (edit.params !== undefined) {
    const before = digestParams(task.params);
    const after = digestParams(edit.params);
    if (before.sha256 !== after.sha256) {
      description.changed.push("params");
      description.before.params = before;
      description.after.params = after;
    }
  }
  return description;
}
