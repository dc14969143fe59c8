import type { Task, TaskState } from "../../domain/task.js";
import {
  assertValidDependencies,
  DEPENDENCY_WALK_LIMIT,
  type DependencyFailurePolicy,
  type DependencyState,
  dependencyDoomedRequeue,
  dependencyFailureOutcome,
  dependencyStatus,
  describeDependencyStatus,
} from "../../domain/task-dependencies.js";
import { DependenciesPendingError } from "../../errors.js";
import { fromJson } from "../sqlite/json.js";
import { appendEventTx } from "./events.js";
import { revokeLockTx } from "./locks.js";
import type { PgTx } from "./transaction.js";

type DependencyNode = Pick<Task, "id" | "state" | "dependsOn">;

const INSERT_DEPENDENCIES = "INSERT INTO task_dependencies (task_id, depends_on_id) SELECT $1, unnest($2::text[])";
const TASK_DEPENDENCY_FIELDS = "SELECT id, state, depends_on FROM tasks WHERE id = ANY($1::text[])";
const DEPENDENCY_STATES =
  "SELECT d.depends_on_id, t.state FROM task_dependencies d JOIN tasks t ON t.id = d.depends_on_id WHERE d.task_id = $1";
/** Dependents that have not started (only those can be doomed: a dependent never starts before its set is satisfied). */
const WAITING_DEPENDENTS = `SELECT t.id, t.state, t.on_dependency_failure FROM task_dependencies d JOIN tasks t ON t.id = d.task_id
  WHERE d.depends_on_id = $1 AND t.state IN ('queued', 'failed')`;
const SETTLE_DEPENDENT =
  "UPDATE tasks SET state = $1, last_error = $2, finished_at = $3, updated_at = $3 WHERE id = $4";

/**
 * The claim poll's extra condition (tasks.ts LIST_CLAIMABLE): no dependency of `t` that has
 * not succeeded. Tasks without dependencies (`'[]'`) skip the subquery.
 */
export const DEPENDENCIES_SATISFIED_SQL = `(t.depends_on = '[]' OR NOT EXISTS (
    SELECT 1 FROM task_dependencies d JOIN tasks p ON p.id = d.depends_on_id
    WHERE d.task_id = t.id AND p.state <> 'succeeded'))`;

/** Reads the tasks `ids` into `known`; an id without a task is known as null. */
async function lookupManyTx(
  tx: PgTx,
  ids: readonly string[],
  known: Map<string, DependencyNode | null>,
): Promise<void> {
  const rows = await tx.values(TASK_DEPENDENCY_FIELDS, [ids]);
  for (const id of ids) known.set(id, null);
  for (const [id, state, dependsOn] of rows as Array<[string, TaskState, string]>)
    known.set(id, { id, state, dependsOn: fromJson(dependsOn) as string[] });
}

async function lookupTx(tx: PgTx, id: string): Promise<DependencyNode | null> {
  const known = new Map<string, DependencyNode | null>();
  await lookupManyTx(tx, [id], known);
  return known.get(id) ?? null;
}

/** Thrown by the walk's lookup for a task not read yet (assertValidDependenciesTx). */
const UNREAD = new Error("the dependency walk needs a task not read yet");

/**
 * domain `assertValidDependencies` walks the graph through a synchronous lookup: the tasks it
 * will ask for are read first, a layer of the graph per query, and the walk runs over them.
 * Should it ask for one not read yet (a graph past the walk's limit, read only in part), it
 * stops, that task and the next layer are read, and it runs again: it sees exactly the tasks
 * it would have looked up one by one.
 */
async function assertValidDependenciesTx(tx: PgTx, taskId: string, dependsOn: readonly string[]): Promise<void> {
  const known = new Map<string, DependencyNode | null>();
  let layer = [...dependsOn];
  while (layer.length > 0 && known.size <= DEPENDENCY_WALK_LIMIT) {
    await lookupManyTx(tx, layer, known);
    layer = nextLayer(known, layer);
  }
  for (;;) {
    const missed: string[] = [];
    try {
      assertValidDependencies(taskId, dependsOn, (id) => {
        const node = known.get(id);
        if (node !== undefined) return node;
        missed.push(id);
        throw UNREAD;
      });
      return;
    } catch (error) {
      if (error !== UNREAD) throw error;
    }
    const wanted = [...new Set([...missed, ...layer])];
    await lookupManyTx(tx, wanted, known);
    layer = nextLayer(known, wanted);
  }
}

/** The dependencies of `from` not read yet. */
function nextLayer(known: Map<string, DependencyNode | null>, from: readonly string[]): string[] {
  const next = new Set<string>();
  for (const id of from)
    for (const dependency of known.get(id)?.dependsOn ?? []) if (!known.has(dependency)) next.add(dependency);
  return [...next];
}

/** Validate a new task's dependencies (domain rule) and record its edges, inside its creating transaction. */
export async function recordDependenciesTx(tx: PgTx, taskId: string, dependsOn: readonly string[]): Promise<void> {
  await assertValidDependenciesTx(tx, taskId, dependsOn);
  if (dependsOn.length > 0) await tx.run(INSERT_DEPENDENCIES, [taskId, dependsOn]);
}

export async function dependencyStatesTx(tx: PgTx, taskId: string): Promise<DependencyState[]> {
  const rows = (await tx.values(DEPENDENCY_STATES, [taskId])) as Array<[string, TaskState]>;
  return rows.map(([id, state]) => ({ id, state }));
}

/** Whether a task (its `depends_on` column as stored) may start now as far as its dependencies go. */
export async function dependenciesSatisfiedTx(tx: PgTx, task: { id: string; dependsOn: string }): Promise<boolean> {
  return task.dependsOn === "[]" || dependencyStatus(await dependencyStatesTx(tx, task.id)).kind === "satisfied";
}

/** A two-step start of a task whose dependencies have not all succeeded is refused like a claim would skip it. */
export async function assertDependenciesSatisfiedTx(
  tx: PgTx,
  task: { id: string; state: string; dependsOn: string },
): Promise<void> {
  if (task.dependsOn === "[]") return;
  const status = dependencyStatus(await dependencyStatesTx(tx, task.id));
  if (status.kind !== "satisfied")
    throw new DependenciesPendingError(task.id, task.state, describeDependencyStatus(status));
}

/** A requeued dependent would wait for ever on a doomed set: refused, naming the dependency to retry first. */
export async function assertDependenciesNotDoomedTx(
  tx: PgTx,
  task: { id: string; state: string; dependsOn: string },
): Promise<void> {
  if (task.dependsOn === "[]") return;
  const status = dependencyStatus(await dependencyStatesTx(tx, task.id));
  if (status.kind === "doomed") throw dependencyDoomedRequeue(task.id, task.state, status);
}

/**
 * `taskId` just ended dead or cancelled: every dependent still waiting ends by its policy
 * (cancelled or dead, with the reason in its event), in the same transaction, and so on down
 * the graph. Each task is settled at most once (it leaves the waiting states), so the walk
 * ends; it touches only tasks that wait for the one that ended.
 */
export async function settleDependentsTx(tx: PgTx, taskId: string, actor: string): Promise<void> {
  const ended: string[] = [taskId];
  while (ended.length > 0) {
    const dependency = ended.pop() as string;
    const dependencyState = (await lookupTx(tx, dependency))?.state;
    if (dependencyState !== "dead" && dependencyState !== "cancelled") continue;
    const waiting = (await tx.values(WAITING_DEPENDENTS, [dependency])) as Array<[string, TaskState, string]>;
    for (const [id, from, policy] of waiting) {
      const outcome = dependencyFailureOutcome(policy as DependencyFailurePolicy, {
        dependency,
        state: dependencyState,
      });
      await revokeLockTx(tx, id, { actor, reason: outcome.reason });
      await tx.run(SETTLE_DEPENDENT, [outcome.state, outcome.reason, await tx.now(), id]);
      await appendEventTx(tx, {
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
