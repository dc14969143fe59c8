import type { CoordinationStore, StoreEvent, Task } from "@sentinel/coordination";
import { checkInvariants, readAllEvents } from "../packages/coordination/test/multiprocess/invariants.js";

/** A check judged from the store's own history; `detail` says what was counted or what broke. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** The type a task is created with when it is meant to fail: it must end dead, every other task succeeded. */
export const FAILING_TYPE = "fail";

const LOCK_ENDS = new Set(["lock.released", "lock.expired", "lock.force_released"]);

/**
 * The run's verdict, read back from the store alone (task rows, live locks and the event log),
 * never from what the runner remembers doing: no task lost, one success per fencing token,
 * every lock released.
 */
export async function checkHistory(
  store: CoordinationStore,
  taskIds: readonly string[],
): Promise<{ checks: CheckResult[]; tasks: Task[]; events: StoreEvent[] }> {
  const tasks = (await Promise.all(taskIds.map((id) => store.getTask(id)))).filter((t): t is Task => t !== null);
  const events = await readAllEvents(store);
  const checks = [
    noTaskLost(taskIds, tasks),
    await oneSuccessPerToken(store, taskIds),
    everyLockReleased(events, await store.listLocks()),
  ];
  return { checks, tasks, events };
}

function noTaskLost(taskIds: readonly string[], tasks: Task[]): CheckResult {
  const name = "no task lost: every task terminal, succeeded unless designed to fail (then dead)";
  const missing = taskIds.length - tasks.length;
  const wrong = tasks.filter((t) => t.state !== (t.type === FAILING_TYPE ? "dead" : "succeeded"));
  const ok = missing === 0 && wrong.length === 0;
  const failing = tasks.filter((t) => t.type === FAILING_TYPE).length;
  return {
    name,
    ok,
    detail: ok
      ? `${tasks.length - failing} succeeded, ${failing} dead as designed`
      : `${missing} missing; ${wrong.length} in the wrong state, e.g. ${wrong
          .slice(0, 3)
          .map((t) => `${t.id} (${t.type}) ${t.state}`)
          .join(", ")}`,
  };
}

/** The multi-process invariants' own check (test/multiprocess/invariants.ts) over the whole run. */
async function oneSuccessPerToken(store: CoordinationStore, taskIds: readonly string[]): Promise<CheckResult> {
  const name =
    "fencing: one task.succeeded per succeeded task, under its current token; no (task, token) started twice";
  try {
    const report = await checkInvariants(store, [...taskIds], null);
    const successes = report.events.filter((e) => e.kind === "task.succeeded").length;
    return { name, ok: true, detail: `${successes} successes, ${report.tasks.length} tasks` };
  } catch (err) {
    return { name, ok: false, detail: (err as Error).message };
  }
}

/**
 * Every acquisition ends: its token is released (completion, release, expiry, force-release)
 * or a later acquisition of the same task supersedes it (a dead holder's lock taken over); and
 * no lock is live at the end.
 */
function everyLockReleased(events: StoreEvent[], live: readonly { taskId: string; ownerId: string }[]): CheckResult {
  const name = "every lock released: each acquisition ended or superseded, none live at the end";
  const open = new Map<string, { token: number; owner: string | null }[]>();
  let acquisitions = 0;
  for (const e of events) {
    if (!e.taskId) continue;
    const token = Number(e.data.token);
    if (e.kind === "lock.acquired") {
      acquisitions++;
      const held = (open.get(e.taskId) ?? []).filter((h) => h.token > token);
      open.set(e.taskId, [...held, { token, owner: e.workerId }]);
    } else if (LOCK_ENDS.has(e.kind)) {
      open.set(
        e.taskId,
        (open.get(e.taskId) ?? []).filter((h) => h.token !== token),
      );
    }
  }
  const unended = [...open.entries()].flatMap(([taskId, held]) => held.map((h) => `${taskId}#${h.token} (${h.owner})`));
  const ok = unended.length === 0 && live.length === 0;
  return {
    name,
    ok,
    detail: ok
      ? `${acquisitions} acquisitions`
      : `${unended.length} never ended (${unended.slice(0, 3).join(", ")}); ${live.length} live at the end (${live
          .slice(0, 3)
          .map((l) => `${l.taskId} by ${l.ownerId}`)
          .join(", ")})`,
  };
}
