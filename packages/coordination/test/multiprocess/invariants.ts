import { existsSync, readFileSync } from "node:fs";
import type { StoreEvent } from "../../src/domain/events.js";
import { isTerminal, type Task } from "../../src/domain/task.js";
import type { CoordinationStore } from "../../src/store/port.js";

export async function readAllEvents(store: CoordinationStore): Promise<StoreEvent[]> {
  const all: StoreEvent[] = [];
  for (;;) {
    const page = await store.readEvents(all.at(-1)?.id ?? 0, 5000);
    if (page.length === 0) return all;
    all.push(...page);
  }
}

/** True once no task is waiting, running or waiting for a retry. */
export async function noTaskPending(store: CoordinationStore): Promise<boolean> {
  return (await store.listTasks({ states: ["queued", "running", "failed"], limit: 1 })).items.length === 0;
}

export async function loadTasks(store: CoordinationStore, ids: string[]): Promise<Task[]> {
  return Promise.all(ids.map(async (id) => (await store.getTask(id)) as Task));
}

export interface InvariantReport {
  tasks: Task[];
  events: StoreEvent[];
  /** Executions recorded by the `record` command handler, as "task token worker". */
  executions: Array<{ taskId: string; token: number; workerId: string }>;
  successesByWorker: Record<string, number>;
}

/**
 * The multi-process invariants: every task terminal (none lost), exactly one success per
 * succeeded task, carrying the task's current fencing token, no (task, token) started or
 * executed twice.
 */
export async function checkInvariants(
  store: CoordinationStore,
  ids: string[],
  recordPath: string | null,
): Promise<InvariantReport> {
  const tasks = await loadTasks(store, ids);
  const lost = tasks.filter((t) => !isTerminal(t.state));
  if (lost.length > 0) throw new Error(`${lost.length} task(s) not terminal, e.g. ${JSON.stringify(lost[0])}`);

  const events = await readAllEvents(store);
  const wanted = new Set(ids);
  const successes = new Map<string, number[]>();
  const starts = new Map<string, number>();
  const successesByWorker: Record<string, number> = {};
  for (const e of events) {
    if (!e.taskId || !wanted.has(e.taskId)) continue;
    if (e.kind === "task.succeeded") {
      const token = e.data.token as number;
      successes.set(e.taskId, [...(successes.get(e.taskId) ?? []), token]);
      successesByWorker[e.workerId ?? "?"] = (successesByWorker[e.workerId ?? "?"] ?? 0) + 1;
    }
    if (e.kind === "task.started") {
      const key = `${e.taskId}#${e.data.token as number}`;
      starts.set(key, (starts.get(key) ?? 0) + 1);
    }
  }
  for (const task of tasks) {
    const tokens = successes.get(task.id) ?? [];
    if (task.state === "succeeded") {
      if (tokens.length !== 1)
        throw new Error(`task ${task.id} has ${tokens.length} task.succeeded events (tokens ${tokens.join(",")})`);
      if (tokens[0] !== task.fencingToken)
        throw new Error(
          `task ${task.id} succeeded with token ${tokens[0]} but its current token is ${task.fencingToken}`,
        );
    } else if (tokens.length > 0) {
      throw new Error(`task ${task.id} is ${task.state} yet has a task.succeeded event`);
    }
  }
  const doubleStarts = [...starts.entries()].filter(([, n]) => n > 1);
  if (doubleStarts.length > 0)
    throw new Error(
      `(task, token) started twice: ${doubleStarts
        .slice(0, 5)
        .map(([k]) => k)
        .join(", ")}`,
    );

  const executions =
    recordPath && existsSync(recordPath)
      ? readFileSync(recordPath, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => {
            const [taskId, token, workerId] = line.split(" ");
            return { taskId: taskId as string, token: Number(token), workerId: workerId as string };
          })
      : [];
  const executed = new Map<string, number>();
  for (const x of executions) executed.set(`${x.taskId}#${x.token}`, (executed.get(`${x.taskId}#${x.token}`) ?? 0) + 1);
  const doubleRuns = [...executed.entries()].filter(([, n]) => n > 1);
  if (doubleRuns.length > 0)
    throw new Error(
      `(task, token) executed twice: ${doubleRuns
        .slice(0, 5)
        .map(([k]) => k)
        .join(", ")}`,
    );
  return { tasks, events, executions, successesByWorker };
}
