import { type NewTask, newTaskSchema, type Task } from "../../../domain/task.js";
import { firstRunAt } from "../../../domain/task-delay.js";
import { assertValidDependencies } from "../../../domain/task-dependencies.js";
import { parseOrThrow } from "../../../validation.js";
import { operatorSchema } from "../../port-schemas.js";
import { foldTask } from "../fold/task-fold.js";
import type { GithubContext } from "../github-context.js";
import { RecordVerificationError } from "../github-errors.js";
import { toJsonValue } from "../json-value.js";
import { boundedLabel } from "../records/github-limits.js";
import type { EventEntry, TaskRecord } from "../records/record-schemas.js";
import { renderTaskBody } from "../task-body.js";
import type { TaskReader } from "./task-reader.js";

/** Params as one signed record (the issue body, or an edit op) stay within this many characters of JSON. */
export const MAX_PARAMS_CHARS = 24_000;

/** A task is an issue whose body carries the signed spec; the issue number makes its id. */
/**
 * `nonce` fixes the task's id in advance (a schedule slot's task: any process creating it makes
 * the same task, see taskIdOf); `events` are more entries of the creating record (after task.created).
 */
export async function createTask(
  ctx: GithubContext,
  reader: TaskReader,
  input: NewTask,
  actor: string,
  opts: { nonce?: string; events?: EventEntry[] } = {},
): Promise<Task> {
  const task = parseOrThrow(newTaskSchema, input, "task");
  parseOrThrow(operatorSchema.shape.actor, actor, "actor");
  const params = toJsonValue(task.params, "params", MAX_PARAMS_CHARS);
  await validateDependencies(reader, task.dependsOn ?? []);
  const now = ctx.now();
  // Validates either form; a delay is kept relative so the fold counts it from the issue's own date.
  const start = firstRunAt(task, now);
  const spec = {
    type: task.type,
    title: task.title ?? task.type,
    priority: task.priority,
    params,
    maxAttempts: task.maxAttempts,
    timeoutMs: task.timeoutMs,
    delayMs: task.delayMs,
    ...(task.runAt === undefined ? {} : { runAt: start }),
    pinnedWorkerId: task.pinnedWorkerId,
    affinityKey: task.affinityKey,
    ...(task.dependsOn?.length
      ? { dependsOn: task.dependsOn, onDependencyFailure: task.onDependencyFailure ?? "cancel" }
      : {}),
  };
  const ev = [
    ctx.entry("task.created", {
      taskId: null,
      workerId: null,
      actor,
      data: {
        type: task.type,
        priority: task.priority,
        pinnedWorkerId: task.pinnedWorkerId,
        ...(spec.dependsOn ? { dependsOn: spec.dependsOn, onDependencyFailure: spec.onDependencyFailure } : {}),
      },
    }),
    ...(opts.events ?? []),
  ];
  const payload: TaskRecord = { k: "task", n: opts.nonce ?? ctx.nonce(), at: now, ev, spec, actor };
  const body = renderTaskBody(ctx, payload);
  const labels = [boundedLabel("type:", task.type), `priority:${task.priority}`, "state:queued"];
  const issue = await ctx.createIssue("task", spec.title, body, labels);
  const source = reader.sourceOfIssue(issue.number);
  if (!source) throw new RecordVerificationError(`task issue #${issue.number}`);
  // A new issue has no comments yet: fold without reading it back.
  return foldTask(source, [], ctx.now(), () => false).task;
}

/**
 * Each dependency read fresh from GitHub (one conditional GET each): it must exist and still be
 * able to succeed (domain rule). The new task's id is not known before its issue exists, so no
 * dependency can name it, and no cycle can form.
 */
async function validateDependencies(reader: TaskReader, dependsOn: readonly string[]): Promise<void> {
  const found = new Map<string, Task>();
  for (const id of dependsOn) {
    const loaded = await reader.load(id);
    if (loaded) found.set(id, loaded.view.task);
  }
  assertValidDependencies(null, dependsOn, (id) => found.get(id) ?? null);
}
