import { join } from "node:path";
import { withTempDir } from "@sentinel/test-support";
import Database from "better-sqlite3";
import type { BenchContext, BenchSuite, ReportSection, SuiteResult } from "./report.js";
import { median, throughputPerSecond } from "./stats.js";

/**
 * The ceiling: what better-sqlite3 does on this machine with the least work a queue can do
 * per task — claim one row and mark it done — with no locks table, no events, no JSON. Any
 * SQLite-backed queue pays at least this per transaction.
 */
export interface SqliteRawRun {
  mode: "per-task" | "batched";
  batchSize: number;
  tasks: number;
  elapsedMs: number;
  tasksPerSec: number;
  transactions: number;
}

function openCeilingDb(path: string, tasks: number): Database.Database {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(`
    CREATE TABLE tasks (
      id INTEGER PRIMARY KEY,
      state TEXT NOT NULL,
      claimed_at INTEGER,
      finished_at INTEGER
    );
    CREATE INDEX tasks_state_id ON tasks (state, id);
  `);
  const insert = db.prepare("INSERT INTO tasks (state) VALUES ('queued')");
  db.transaction(() => {
    for (let i = 0; i < tasks; i++) insert.run();
  })();
  return db;
}

function runOnce(path: string, tasks: number, batchSize: number): SqliteRawRun {
  const db = openCeilingDb(path, tasks);
  try {
    const claim = db.prepare<[number, number], { id: number }>(
      "UPDATE tasks SET state = 'running', claimed_at = ? WHERE id IN (SELECT id FROM tasks WHERE state = 'queued' ORDER BY id LIMIT ?) RETURNING id",
    );
    const complete = db.prepare<[number, number]>("UPDATE tasks SET state = 'done', finished_at = ? WHERE id = ?");
    // Each call is its own BEGIN IMMEDIATE … COMMIT, as a worker's claim and completion would be.
    const claimTx = db.transaction((n: number) => claim.all(Date.now(), n));
    const completeTx = db.transaction((ids: number[]) => {
      const now = Date.now();
      for (const id of ids) complete.run(now, id);
    });

    let done = 0;
    let transactions = 0;
    const started = performance.now();
    for (;;) {
      const claimed = claimTx.immediate(batchSize);
      transactions++;
      if (claimed.length === 0) break;
      completeTx.immediate(claimed.map((r) => r.id));
      transactions++;
      done += claimed.length;
    }
    const elapsedMs = performance.now() - started;
    if (done !== tasks) throw new Error(`sqlite-raw: completed ${done} of ${tasks} tasks`);
    return {
      mode: batchSize === 1 ? "per-task" : "batched",
      batchSize,
      tasks,
      elapsedMs,
      tasksPerSec: throughputPerSecond(tasks, 0, elapsedMs),
      transactions,
    };
  } finally {
    db.close();
  }
}

export function sqliteVersion(): string {
  const db = new Database(":memory:");
  try {
    return (db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
  } finally {
    db.close();
  }
}

export const SQLITE_RAW_BATCH_SIZES = [1, 50] as const;

export async function runSqliteRaw(ctx: BenchContext): Promise<SqliteRawRun[]> {
  const runs: SqliteRawRun[] = [];
  for (const batchSize of SQLITE_RAW_BATCH_SIZES) {
    for (let i = 0; i < ctx.runs; i++) {
      const run = await withTempDir("bench-sqlite-raw", async (dir) =>
        runOnce(join(dir, "ceiling.db"), ctx.tasks, batchSize),
      );
      ctx.log(`sqlite-raw batch=${batchSize} run ${i + 1}/${ctx.runs}: ${Math.round(run.tasksPerSec)} tasks/s`);
      runs.push(run);
    }
  }
  return runs;
}

export function sqliteRawSection(runs: SqliteRawRun[]): ReportSection {
  const rows = SQLITE_RAW_BATCH_SIZES.map((batchSize) => {
    const mine = runs.filter((r) => r.batchSize === batchSize);
    const tps = median(mine.map((r) => r.tasksPerSec));
    return {
      scenario:
        batchSize === 1
          ? "claim 1 + complete 1, one transaction each"
          : `claim ${batchSize} + complete ${batchSize}, one transaction each`,
      tasksPerSec: tps,
      txPerTask: (mine[0]?.transactions ?? Number.NaN) / (mine[0]?.tasks ?? Number.NaN),
      usPerTx: mine[0] ? 1e6 / (tps * (mine[0].transactions / mine[0].tasks)) : null,
      runs: mine.length,
    };
  });
  return {
    id: "sqlite-raw",
    title: "Raw SQLite ceiling (better-sqlite3, WAL, synchronous=NORMAL, one process)",
    columns: [
      { key: "scenario", label: "scenario" },
      { key: "tasksPerSec", label: "tasks/s" },
      { key: "txPerTask", label: "write tx/task", digits: 2 },
      { key: "usPerTx", label: "µs/tx", digits: 1 },
      { key: "runs", label: "runs" },
    ],
    rows,
    notes: [
      "Minimal `tasks` table with an index on (state, id); claim = `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING id`, each transaction `BEGIN IMMEDIATE`.",
    ],
  };
}

export const sqliteRawSuite: BenchSuite = {
  id: "sqlite-raw",
  async run(ctx): Promise<SuiteResult> {
    const runs = await runSqliteRaw(ctx);
    const section = sqliteRawSection(runs);
    const headlines = section.rows.map((row) => ({
      label: `SQLite ceiling: ${row.scenario}`,
      tasksPerSec: typeof row.tasksPerSec === "number" ? row.tasksPerSec : null,
      p50Ms: null,
      p99Ms: null,
    }));
    return { sections: [section], headlines, facts: { sqlite: sqliteVersion() }, raw: runs };
  },
};
