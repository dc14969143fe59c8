/**
 * The Postgres variant's capacity, measured on a throwaway server with Postgres's durable
 * defaults (postgres-capacity/durable-server.ts). docs/deploy.md's figures come from this, run
 * by hand:
 *
 *   node --import tsx deploy/measure-postgres-capacity.ts [seconds-per-run] [backlog] [runs]
 *
 * 1. The disk: pg_test_fsync's fdatasync rate in the server's directory (every commit waits
 *    for one, and with one writer at a time they do not overlap).
 * 2. Write transactions through the store's port (postgres-capacity/write-rate.ts): one loop
 *    alone (each write's own duration and round trips, which is how long it holds the write
 *    lock), then 1, 2 and 4 processes of 8 concurrent loops each, then 2 processes without
 *    the commit's flush (what the disk adds).
 * 3. The image's workers (postgres-capacity/worker-pods.ts): 1, 2 and 4 pods of the Postgres
 *    overlay drain a backlog of noop tasks: tasks per second, write transactions per task (the
 *    server's count, see database-monitor.ts), and the most connections the pods held.
 * Each run gets a fresh database on the same server; a configuration's figure is its median run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage } from "./build-image.js";
import { startDurablePostgres } from "./postgres-capacity/durable-server.js";
import { pgClient } from "./postgres-capacity/pg-client.js";
import { drainWithPods } from "./postgres-capacity/worker-pods.js";
import { measureWriteRate, type WriteRateRun } from "./postgres-capacity/write-rate.js";

const seconds = Number(process.argv[2] ?? "10");
const backlog = Number(process.argv[3] ?? "1000");
const runs = Number(process.argv[4] ?? "3");
const COUNTS = [1, 2, 4];

const print = (line: string) => process.stdout.write(`${line}\n`);
const load = () => `load ${loadavg()[0]?.toFixed(1)}`;
const fixed = (n: number, digits = 0) => n.toFixed(digits);

function median<T>(items: T[], by: (item: T) => number): { median: T; range: string } {
  const sorted = [...items].sort((a, b) => by(a) - by(b));
  return { median: sorted[Math.floor(sorted.length / 2)] as T, range: sorted.map((i) => fixed(by(i))).join(", ") };
}

const server = await startDurablePostgres();
const workDir = mkdtempSync(join(tmpdir(), "sentinel-pg-capacity-"));
let databases = 0;
async function freshDatabase(synchronousCommit: "on" | "off" = "on"): Promise<string> {
  databases += 1;
  const name = `capacity_${databases}`;
  const admin = pgClient(server.url);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    if (synchronousCommit === "off") await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/postgres$/, `/${name}`);
}

async function writeRates(label: string, processes: number, loops: number, synchronousCommit: "on" | "off") {
  const results: WriteRateRun[] = [];
  for (let run = 0; run < runs; run += 1)
    results.push(await measureWriteRate(await freshDatabase(synchronousCommit), { processes, loops, seconds }));
  const { median: m, range } = median(results, (r) => r.writesPerSecond);
  print(
    `  ${label}: ${fixed(m.writesPerSecond)} writes/s (runs ${range}), p50 ${fixed(m.p50Ms, 1)} ms, p99 ${fixed(m.p99Ms, 1)} ms; ` +
      `by kind p50 create ${fixed(m.kinds.create.p50Ms, 1)} / claim ${fixed(m.kinds.claim.p50Ms, 1)} / complete ${fixed(m.kinds.complete.p50Ms, 1)} ms; ` +
      `server counted ${fixed(m.serverCountPerWrite, 2)} write transactions per write; peak connections ${m.peakConnections}; ${load()}`,
  );
  return m;
}

try {
  print(`machine: ${cpus().length} cores, ${load()} at the start`);
  const appDir = join(workDir, "app");
  await buildImage({ outDir: appDir, workerOnly: true, log: () => undefined });
  const admin = pgClient(server.url);
  await admin.connect();
  const { rows } = await admin.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'max_connections', 'superuser_reserved_connections', 'fsync', 'synchronous_commit', 'wal_sync_method') ORDER BY name",
  );
  await admin.end();
  print(`server: ${rows.map((r) => `${r.name}=${r.setting}`).join(", ")}`);
  const fsync = server.runBinary("pg_test_fsync", ["-s", "2", "-f", join(server.dataDir, "fsync-probe")]);
  print(`disk: ${fsync.match(/^\s*fdatasync\s+[\d.]+ ops\/sec.*$/m)?.[0].trim() ?? fsync}`);

  print(`\nwrite transactions through the store (create, claim, complete a task; ${seconds} s per run, ${runs} runs)`);
  const alone = await writeRates("1 loop alone", 1, 1, "on");
  print(
    `    round trips per write: create ${fixed(alone.kinds.create.roundTrips, 1)}, claim ${fixed(alone.kinds.claim.roundTrips, 1)}, complete ${fixed(alone.kinds.complete.roundTrips, 1)}`,
  );
  for (const processes of COUNTS) await writeRates(`${processes} process(es) × 8 loops`, processes, 8, "on");
  await writeRates("2 processes × 8 loops, synchronous_commit=off", 2, 8, "off");

  print(`\nthe image's worker pods (Postgres overlay) draining ${backlog} noop tasks (${runs} runs)`);
  for (const pods of COUNTS) {
    const results = [];
    for (let run = 0; run < runs; run += 1)
      results.push(await drainWithPods(await freshDatabase(), { appDir, workDir, pods, backlog }));
    const { median: m, range } = median(results, (r) => r.tasksPerSecond);
    print(
      `  ${pods} pod(s): ${fixed(m.tasksPerSecond)} tasks/s (runs ${range}), ${fixed(m.writesPerTask, 2)} write transactions per task, ` +
        `peak connections: pools ${m.peakPool}, LISTEN ${m.peakListen}; backlog created at ${fixed(m.createdPerSecond)} tasks/s; ${load()}`,
    );
  }
} finally {
  await server.stop();
  rmSync(workDir, { recursive: true, force: true });
}
