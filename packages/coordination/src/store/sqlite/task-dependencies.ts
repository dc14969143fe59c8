import type { Task, TaskState } from "../../domain/task.js";
import {
  assertValidDependencies,
  type DependencyFailurePolicy,
  type DependencyState,
  dependencyDoomedRequeue,
  dependencyFailureOutcome,
  dependencyStatus,
  describeDependencyStatus,
} from "../../domain/task-dependencies.js";
import { DependenciesPendingError } from "../../errors.js";
import { appendEventTx } from "./events.js";
import { fromJson } from "./json.js";
import { revokeLockTx } from "./locks.js";
import type { Tx } from "./transaction.js";

const INSERT_DEPENDENCY = "INSERT INTO task_dependencies (task_id, depends_on_id) VALUES (?, ?)";
const TASK_DEPENDENCY_FIELDS = "SELECT id, state, depends_on FROM tasks WHERE id = ?";
const DEPENDENCY_STATES =
  "SELECT d.depends_on_id, t.state FROM task_dependencies d JOIN tasks t ON t.id = d.depends_on_id WHERE d.task_id = ?";
/** Dependents that have not started (only those can be doomed: a dependent never starts before its set is satisfied). */
const WAITING_DEPENDENTS = `SELECT t.id, t.state, t.on_dependency_failure FROM task_dependencies d JOIN tasks t ON t.id = d.task_id
  WHERE d.depends_on_id = ? AND t.state IN ('queued', 'failed')`;
const SETTLE_DEPENDENT = "UPDATE tasks SET state = ?, last_error = ?, finished_at = ?, updated_at = ? WHERE id = ?";

/**
 * The claim poll's extra condition (tasks.ts LIST_CLAIMABLE): no dependency of `t` that has
 * not succeeded. Tasks without dependencies (`'[]'`) skip the subquery.
 */
export const DEPENDENCIES_SATISFIED_SQL = `(t.depends_on = '[]' OR NOT EXISTS (
    SELECT 1 FROM task_dependencies d JOIN tasks p ON p.id = d.depends_on_id
    WHERE d.task_id = t.id AND p.state <> 'succeeded'))`;

function lookupTx(tx: Tx, id: string): Pick<Task, "id" | "state" | "dependsOn"> | null {
  const row = tx.statement(TASK_DEPENDENCY_FIELDS).get(id) as
    | { id: string; state: TaskState; depends_on: string }
    | undefined;
  return row ? { id: row.id, state: row.state, dependsOn: fromJson(row.depends_on) as string[] } : null;
}

/** Validate a new task's dependencies (domain rule) and record its edges, inside its creating transaction. */
export function recordDependenciesTx(tx: Tx, taskId: string, dependsOn: readonly string[]): void {
  assertValidDependencies(taskId, dependsOn, (id) => lookupTx(tx, id));
  for (const dependency of dependsOn) tx.statement(INSERT_DEPENDENCY).run(taskId, dependency);
}

export function dependencyStatesTx(tx: Tx, taskId: string): DependencyState[] {
  const rows = tx.rawStatement(DEPENDENCY_STATES).all(taskId) as Array<[string, TaskState]>;
  return rows.map(([id, state]) => ({ id, state }));
}

/** Whether a task (its `depends_on` column as stored) may start now as far as its dependencies go. */
export function dependenciesSatisfiedTx(tx: Tx, task: { id: string; dependsOn: string }): boolean {
  return task.dependsOn === "[]" || dependencyStatus(dependencyStatesTx(tx, task.id)).kind === "satisfied";
}

/** A two-step start of a task whose dependencies have not all succeeded is refused like a claim would skip it. */
export function assertDependenciesSatisfiedTx(tx: Tx, task: { id: string; state: string; dependsOn: string }): void {
  if (task.dependsOn === "[]") return;
  const status = dependencyStatus(dependencyStatesTx(tx, task.id));
  if (status.kind !== "satisfied")
    throw new DependenciesPendingError(task.id, task.state, describeDependencyStatus(status));
}

/** A requeued dependent would wait for ever on a doomed set: refused, naming the dependency to retry first. */
export function assertDependenciesNotDoomedTx(tx: Tx, task: { id: string; state: string; dependsOn: string }): void {
  if (task.dependsOn === "[]") return;
  const status = dependencyStatus(dependencyStatesTx(tx, task.id));
  if (status.kind === "doomed") throw dependencyDoomedRequeue(task.id, task.state, status);
}

/**
 * `taskId` just ended dead or cancelled: every dependent still waiting ends by its policy
 * (cancelled or dead, with the reason in its event), in the same transaction, and so on down
 * the graph. Each task is settled at most once (it leaves the waiting states), so the walk
 * ends; it touches only tasks that wait for the one that ended.
 */
export function settleDependentsTx(tx: Tx, taskId: string, actor: string): void {
  const ended: string[] = [taskId];
  while (ended.length > 0) {
    const dependency = ended.pop() as string;
    const dependencyState = lookupTx(tx, dependency)?.state;
    if (dependencyState !== "dead" && dependencyState !== "cancelled") continue;
    const waiting = tx.rawStatement(WAITING_DEPENDENTS).all(dependency) as Array<[string, TaskState, string]>;
    for (const [id, from, policy] of waiting) {
      const outcome = dependencyFailureOutcome(policy as DependencyFailurePolicy, {
        dependency,
        state: dependencyState,
      });
      revokeLockTx(tx, id, { actor, reason: outcome.reason });
      tx.statement(SETTLE_DEPENDENT).run(outcome.state, outcome.reason, tx.now, tx.now, id);
      appendEventTx(tx, {
        kind: outcome.state === "dead" ? "task.dead" : "task.cancelled",
        taskId: id,
        workerId: null,
        actor,
        data: { from, reason: outcome.reason, dependency, dependencyState },
      });
      ended.push(id);
    }
  }
}
