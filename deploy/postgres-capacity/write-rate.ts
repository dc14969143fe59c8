import { spawn } from "node:child_process";
import { join } from "node:path";
import { openPostgresStore } from "@sentinel/coordination/postgres";
import { monitorDatabase } from "./database-monitor.js";
import type { WriteKind, WriterResult } from "./store-writer.js";

const KINDS: WriteKind[] = ["create", "claim", "complete"];

export interface WriteRateRun {
  writesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** By kind: the median latency and the round trips per write (exact with one loop in one process). */
  kinds: Record<WriteKind, { p50Ms: number; roundTrips: number }>;
  /** Write transactions the server counted per write the writers timed (1: the two agree). */
  serverCountPerWrite: number;
  peakConnections: number;
}

export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

/**
 * One run: `processes` store-writer processes with `loops` loops each, for `seconds`, on the
 * database at `url` (migrated here first, so the writers' opening finds nothing to do).
 */
export async function measureWriteRate(
  url: string,
  opts: { processes: number; loops: number; seconds: number },
): Promise<WriteRateRun> {
  await (await openPostgresStore({ url })).close();
  const monitor = await monitorDatabase(url);
  const startAt = Date.now() + 3000;
  const writers = await Promise.all(
    Array.from({ length: opts.processes }, () => runWriter(url, startAt, opts.seconds, opts.loops)),
  );
  const { writeTransactions } = await monitor.stop();
  const all = writers.flatMap((w) => KINDS.flatMap((k) => w[k].ms)).sort((a, b) => a - b);
  const kinds = Object.fromEntries(
    KINDS.map((kind) => {
      const ms = writers.flatMap((w) => w[kind].ms).sort((a, b) => a - b);
      const roundTrips = writers.reduce((sum, w) => sum + w[kind].roundTrips, 0);
      return [kind, { p50Ms: percentile(ms, 0.5), roundTrips: roundTrips / ms.length }];
    }),
  ) as WriteRateRun["kinds"];
  return {
    writesPerSecond: all.length / opts.seconds,
    p50Ms: percentile(all, 0.5),
    p99Ms: percentile(all, 0.99),
    kinds,
    serverCountPerWrite: writeTransactions / all.length,
    peakConnections: monitor.peakStoreConnections(),
  };
}

function runWriter(url: string, startAt: number, seconds: number, loops: number): Promise<WriterResult> {
  const entry = join(import.meta.dirname, "store-writer.ts");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", entry, url, String(startAt), String(seconds), String(loops)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) =>
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out) as WriterResult) : reject(new Error(`store-writer exited ${code}`)),
    ),
  );
}
