import { spawn } from "node:child_process";
import { openSqliteStore } from "./packages/coordination/src/store/sqlite/index.js";
const dir = "/tmp/lat/" + process.pid; (await import("node:fs")).mkdirSync(dir, { recursive: true });
const store = openSqliteStore({ path: dir + "/sentinel.db" });
const child = spawn("node_modules/.bin/tsx", ["apps/worker/src/main.ts"], { env: { ...process.env, WORKER_ID: "lat1", SENTINEL_DATA_DIR: dir, HEARTBEAT_INTERVAL_MS: "2000", LOG_LEVEL: "debug" }, stdio: ["ignore", "pipe", "inherit"] });
let out = ""; child.stdout.on("data", (d) => (out += d));
for (;;) { const w = await store.listWorkers(); if (w.some((x) => x.id === "lat1" && x.state === "ACTIVE")) break; await new Promise((r) => setTimeout(r, 100)); }
const ids: string[] = [];
for (let i = 0; i < 30; i++) { ids.push((await store.createTask({ type: "noop", title: "x", maxAttempts: 1 } as any, "t")).id); await new Promise((r) => setTimeout(r, 97)); }
await new Promise((r) => setTimeout(r, 1500));
const lat = [];
for (const id of ids) { const t = await store.getTask(id); lat.push((t!.startedAt ?? NaN) - t!.createdAt); }
console.log(lat.join(" "));
child.kill("SIGTERM");
await new Promise((r) => setTimeout(r, 1000));
console.log(out.split("\n").filter((l) => l.includes("poll") || l.includes("error")).slice(0, 5).join("\n"));
