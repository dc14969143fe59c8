import { join } from "node:path";
import type { Task, TaskState } from "@sentinel/coordination";
import { tempDir } from "@sentinel/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { type Cache, openCache } from "../src/cache/open-cache.js";
import { deletePurgedTasks } from "../src/cache/purged-tasks.js";
import { countTasks, taskStateCounts } from "../src/cache/task-queries.js";
import { upsertTask } from "../src/cache/task-rows.js";

const STATES: TaskState[] = ["queued", "running", "succeeded", "failed", "dead", "cancelled"];

function task(i: number, state: TaskState, type = `type-${i % 3}`): Task {
  return {
    id: `t${String(i).padStart(4, "0")}`,
    type,
    title: `job ${i}`,
    priority: 0,
    params: { n: i },
    state,
    attempts: 1,
    maxAttempts: 3,
    timeoutMs: 60_000,
    runAt: 1_000,
    pinnedWorkerId: null,
    affinityKey: null,
    dependsOn: [],
    onDependencyFailure: "cancel",
    workerId: `w${i % 2}`,
    fencingToken: 1,
    result: null,
    lastError: null,
    createdAt: 1_000 + i,
    updatedAt: 2_000 + i,
    startedAt: null,
    finishedAt: null,
  };
}

let cache: Cache | null = null;
let dir: ReturnType<typeof tempDir> | null = null;
afterEach(() => {
  cache?.close();
  dir?.remove();
  cache = dir = null;
});

/** What a count of the rows themselves says, per state and for a state + type filter. */
function countedByRows(db: Cache, states: TaskState[], types: string[]): number {
  const marks = (n: number) => Array(n).fill("?").join(", ");
  return (
    db.sqlite
      .prepare(
        `SELECT count(*) AS n FROM tasks WHERE state IN (${marks(states.length)}) AND type IN (${marks(types.length)})`,
      )
      .get(...states, ...types) as { n: number }
  ).n;
}

function expectCountsMatchRows(c: Cache): void {
  const byRows = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<TaskState, number>;
  for (const row of c.sqlite.prepare("SELECT state, count(*) AS n FROM tasks GROUP BY state").all() as Array<{
    state: TaskState;
    n: number;
  }>)
    byRows[row.state] = row.n;
  expect(taskStateCounts(c.db)).toEqual(byRows);
  const types = ["type-0", "type-1", "type-2", "renamed"];
  expect(countTasks(c.db, {})).toBe(countedByRows(c, STATES, types));
  expect(countTasks(c.db, { states: ["queued", "failed"] })).toBe(countedByRows(c, ["queued", "failed"], types));
  expect(countTasks(c.db, { states: ["succeeded"], types: ["type-1", "renamed"] })).toBe(
    countedByRows(c, ["succeeded"], ["type-1", "renamed"]),
  );
}

describe("the cache's kept task counts", () => {
  it("follow inserts, state and type changes, unchanged refreshes and deletes, as a count of the rows does", () => {
    dir = tempDir("sentinel-task-counts");
    cache = openCache({ path: join(dir.path, "cache.db") });
    for (let i = 0; i < 60; i++) upsertTask(cache.db, task(i, "queued"));
    expectCountsMatchRows(cache);
    for (let i = 0; i < 60; i++) upsertTask(cache.db, task(i, STATES[i % STATES.length]!));
    // A refresh that changes nothing, and one that changes the record but not state or type.
    upsertTask(cache.db, task(7, STATES[7 % STATES.length]!));
    upsertTask(cache.db, { ...task(8, STATES[8 % STATES.length]!), title: "retitled" });
    upsertTask(cache.db, task(9, "succeeded", "renamed"));
    expectCountsMatchRows(cache);
    deletePurgedTasks(cache.db, ["t0002", "t0008", "t0009", "t9999"]);
    expectCountsMatchRows(cache);
    expect(countTasks(cache.db, { states: ["succeeded"], types: ["renamed"] })).toBe(0);
  });

  it("start from the tasks a cache held before the counts existed (the migration fills them)", () => {
    dir = tempDir("sentinel-task-counts-migrated");
    const path = join(dir.path, "cache.db");
    cache = openCache({ path });
    for (let i = 0; i < 30; i++) upsertTask(cache.db, task(i, STATES[i % STATES.length]!));
    // As a cache of the previous release: rows, no counts, no record of the migration.
    cache.sqlite.exec(
      "DELETE FROM __drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM __drizzle_migrations); DROP TABLE task_counts; DROP INDEX tasks_state_updated_idx; DROP TRIGGER task_counts_ai; DROP TRIGGER task_counts_ad; DROP TRIGGER task_counts_au",
    );
    cache.close();
    cache = openCache({ path });
    expectCountsMatchRows(cache);
  });
});
