import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
const dir = process.argv[2]!; const extraNode = (process.env.NODE_EXTRA ?? "").split(" ").filter(Boolean);
const n = Number(process.env.NW ?? 1); const children = Array.from({ length: n }, (_, i) => spawn(process.execPath, [...extraNode, "--import", "tsx", "apps/worker/src/main.ts"], { env: { ...process.env, WORKER_ID: `prof-w${i + 1}`, WORKER_MAX_TASKS: "10", SENTINEL_DATA_DIR: dir, HEARTBEAT_INTERVAL_MS: "2000" }, stdio: ["ignore", process.env.SHOW_LOG ? "inherit" : "ignore", "inherit"] })); const child = children[0]!;
const db = new Database(`${dir}/sentinel.db`, { readonly: true });
const total = (db.prepare("select count(*) c from tasks").get() as any).c;
for (;;) {
  await new Promise((r) => setTimeout(r, 200));
  const left = (db.prepare("select count(*) c from tasks where state <> 'succeeded'").get() as any).c;
  if (left === 0) break;
}
const cpuMs = children.map((c) => { const stat = readFileSync(`/proc/${c.pid}/stat`, "utf8").split(") ")[1]!.split(" "); return (Number(stat[11]) + Number(stat[12])) * 10; }).reduce((a, b) => a + b, 0);
const r = db.prepare("select min(started_at) s, max(finished_at) f, count(*) c from tasks").get() as any;
const ev = db.prepare("select kind, count(*) c from events group by kind").all();
console.log(`tasks ${r.c} in ${r.f - r.s} ms → ${Math.round(r.c / ((r.f - r.s) / 1000))}/s; worker cpu ${cpuMs} ms (${(cpuMs / r.c).toFixed(2)} ms/task, ${Math.round(100 * cpuMs / (r.f - r.s))}% of wall)`);
console.log(JSON.stringify(ev));
const per = db.prepare("select worker_id, count(*) c from tasks group by worker_id").all(); console.log(JSON.stringify(per));
await Promise.all(children.map((c) => { c.kill("SIGTERM"); return new Promise((r) => c.once("exit", r)); }));
