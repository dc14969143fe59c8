import { mkdirSync } from "node:fs";
import Database from "better-sqlite3";
import { openSqliteStore } from "./packages/coordination/src/store/sqlite/index.js";
import { LIST_CLAIMABLE } from "./packages/coordination/src/store/sqlite/tasks.js";
const dir = "/tmp/q/" + process.pid; mkdirSync(dir, { recursive: true });
const store = openSqliteStore({ path: dir + "/s.db" });
for (let i = 0; i < 20000; i++) await store.createTask({ type: "noop", title: "x", maxAttempts: 1 } as any, "t");
await store.close();
const db = new Database(dir + "/s.db");
const types = JSON.stringify(["noop", "echo", "sleep", "fail"]);
for (const [name, sql] of [["notypes0", LIST_CLAIMABLE.replace("AND t.type IN (SELECT value FROM json_each(@types))", "")], ["full", LIST_CLAIMABLE], ["nolive", LIST_CLAIMABLE.replace(/AND CASE WHEN[\s\S]*?END = 0/, "")], ["notypes", LIST_CLAIMABLE.replace("AND t.type IN (SELECT value FROM json_each(@types))", "")]] as const) {
  const st = db.prepare(sql);
  const t0 = performance.now();
  let n = 0;
  for (let i = 0; i < 500; i++) n += st.all({ now: Date.now() + 1e6, types, workerId: "w", limit: 40 }).length;
  console.log(name, ((performance.now() - t0) / 500).toFixed(3), "ms/poll", n / 500);
}
for (const r of db.prepare("EXPLAIN QUERY PLAN " + LIST_CLAIMABLE).all({ now: 1, types, workerId: "w", limit: 40 }) as any[]) console.log(r.id, r.parent, r.detail);
