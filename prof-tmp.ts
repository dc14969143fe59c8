import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { openSqliteStore } from "./packages/coordination/src/store/sqlite/index.js";
const dir = "/tmp/prof/" + process.pid; mkdirSync(dir, { recursive: true });
const n = Number(process.env.N ?? 20000);
const store = openSqliteStore({ path: dir + "/sentinel.db" });
for (let i = 0; i < n; i++) await store.createTask({ type: "noop", title: "x", maxAttempts: 1 } as any, "t");
const t0 = Date.now();
const child = spawn("node", ["--cpu-prof", "--cpu-prof-dir", "/tmp/prof/out", "--import", "tsx", "apps/worker/src/main.ts"], { env: { ...process.env, WORKER_ID: "p1", SENTINEL_DATA_DIR: dir, HEARTBEAT_INTERVAL_MS: "2000" }, stdio: ["ignore", "ignore", "inherit"] });
for (;;) { const p = await store.listTasks({ states: ["queued", "running"], limit: 1 }); if (p.items.length === 0) break; await new Promise((r) => setTimeout(r, 100)); }
console.log("drained in", Date.now() - t0, "ms (incl. startup)");
child.kill("SIGTERM");
await new Promise((r) => child.on("exit", r));
