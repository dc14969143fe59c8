import { z } from "zod";
import { IllegalTransitionError, ValidationError } from "../errors.js";
import { LIMITS } from "./limits.js";
import type { Task, TaskState } from "./task.js";

/**
 * Task dependencies (issue 12 item 3): a task created with `dependsOn` is not claimable until
 * every one of them succeeded; once one of them ends dead or cancelled the set can never be
 * satisfied ("doomed") and the dependent ends by its own policy — cancelled (default) or dead.
 * Dependencies are fixed at creation, and a dependency must exist when its dependent is
 * created, so the graph only ever grows edges from new tasks to older ones.
 */

/** A dependent may wait for at most this many tasks (each is read on every claim decision). */
export const MAX_DEPENDENCIES = 20;

/** How many tasks the cycle check walks before it gives up and refuses the input. */
export const DEPENDENCY_WALK_LIMIT = 1000;

export const DEPENDENCY_FAILURE_POLICIES = ["cancel", "fail"] as const;
export type DependencyFailurePolicy = (typeof DEPENDENCY_FAILURE_POLICIES)[number];

export const dependsOnSchema = z
  .array(z.string().min(1).max(LIMITS.nameChars))
  .max(MAX_DEPENDENCIES, `at most ${MAX_DEPENDENCIES} task ids`)
  .refine((ids) => new Set(ids).size === ids.length, "each task id at most once");

export const dependencyFailurePolicySchema = z.enum(DEPENDENCY_FAILURE_POLICIES, {
  error: "'cancel' (the dependent is cancelled) or 'fail' (it is marked dead)",
});

/** A dependency as a decision sees it: its state, or null when the store knows no such task. */
export interface DependencyState {
  id: string;
  state: TaskState | null;
}

export type DependencyStatus =
  | { kind: "satisfied" }
  | { kind: "waiting"; pending: string[] }
  | { kind: "doomed"; dependency: string; state: TaskState };

/** States after which a dependency can never succeed, as its dependent sees it. */
const DOOMING_STATES: readonly TaskState[] = ["dead", "cancelled"];

/**
 * Where a dependency set stands: satisfied when every dependency succeeded (an empty set is),
 * doomed as soon as one ended dead or cancelled (the first such, in the dependent's order),
 * otherwise waiting. A dependency the reader does not know (yet) is waiting, never satisfied.
 */
export function dependencyStatus(deps: readonly DependencyState[]): DependencyStatus {
  const doomed = deps.find((dep) => dep.state !== null && DOOMING_STATES.includes(dep.state));
  if (doomed?.state) return { kind: "doomed", dependency: doomed.id, state: doomed.state };
  const pending = deps.filter((dep) => dep.state !== "succeeded").map((dep) => dep.id);
  return pending.length === 0 ? { kind: "satisfied" } : { kind: "waiting", pending };
}

/** How a dependent ends when its set is doomed, and the reason its event records. */
export function dependencyFailureOutcome(
  policy: DependencyFailurePolicy,
  doomed: { dependency: string; state: TaskState },
): { state: "cancelled" | "dead"; reason: string } {
  return {
    state: policy === "fail" ? "dead" : "cancelled",
    reason: `dependency ${doomed.dependency} ended ${doomed.state}`,
  };
}

/**
 * Checks a new task's dependencies against what the store holds (`lookup` answers a task's
 * own dependencies, or null for an unknown id): every id exists, none is the task itself,
 * none already ended dead or cancelled (the dependent could never run), and no path of
 * dependencies leads back to the task. The walk visits at most DEPENDENCY_WALK_LIMIT tasks:
 * a graph deeper than that is refused rather than walked without bound.
 */
export function assertValidDependencies(
  taskId: string | null,
  dependsOn: readonly string[],
  lookup: (id: string) => Pick<Task, "id" | "state" | "dependsOn"> | null,
): void {
  for (const id of dependsOn) {
    if (id === taskId) throw new ValidationError("dependsOn", "ids of other tasks (a task cannot wait for itself)", id);
    const dep = lookup(id);
    if (!dep) throw new ValidationError("dependsOn", "ids of existing tasks", id);
    if (DOOMING_STATES.includes(dep.state))
      throw new ValidationError(
        "dependsOn",
        `tasks that can still succeed (task ${id} already ended ${dep.state})`,
        id,
      );
  }
  if (taskId === null) return;
  const seen = new Set<string>();
  const stack = [...dependsOn];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === taskId) throw new ValidationError("dependsOn", "no cycle (a dependency leads back to this task)", id);
    if (seen.has(id)) continue;
    seen.add(id);
    if (seen.size > DEPENDENCY_WALK_LIMIT)
      throw new ValidationError("dependsOn", `a dependency graph of at most ${DEPENDENCY_WALK_LIMIT} tasks`);
    stack.push(...(lookup(id)?.dependsOn ?? []));
  }
}

/** A requeued dependent would wait for ever on a doomed set: the refusal names the dependency to retry first. */
export function dependencyDoomedRequeue(
  taskId: string,
  from: string,
  doomed: { dependency: string; state: TaskState },
): IllegalTransitionError {
  const error = new IllegalTransitionError("task", taskId, from, "queued");
  error.message = `task ${taskId} cannot be requeued: dependency ${doomed.dependency} ended ${doomed.state} (retry it first)`;
  return error;
}

/** How a dependency set that is not satisfied reads in a refusal and on the task's detail. */
export function describeDependencyStatus(status: DependencyStatus): string {
  if (status.kind === "waiting") return `waiting for ${status.pending.join(", ")}`;
  if (status.kind === "doomed") return `dependency ${status.dependency} ended ${status.state}`;
  return "dependencies succeeded";
}
