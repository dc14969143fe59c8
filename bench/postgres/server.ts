import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { postgresBinDir, startTempPostgres, type TempPostgres } from "@sentinel/test-support/postgres";
import { processTreeCpuMs } from "../process-cpu.js";

export interface BenchPostgres extends TempPostgres {
  /** "PostgreSQL 15.x …" as the server binary reports it. */
  version: string;
  /** CPU time of the whole server so far: postmaster, every backend (live or ended), background processes. */
  cpuMs(): number | null;
}

/** The postmaster of the server on `port`: the process named `postgres` started with `-p <port>`. */
function findPostmaster(port: string): number {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== "postgres") continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const at = args.indexOf("-p");
      if (at !== -1 && args[at + 1] === port) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  throw new Error(`no postgres process listening with -p ${port} in /proc`);
}

/**
 * The throwaway server every system of the Postgres suite runs on, one at a time, each run in
 * its own database: the test servers' settings (fsync and synchronous_commit off, so no
 * system waits on the disk, as BullMQ's Redis runs without persistence).
 */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  const server = await startTempPostgres();
  try {
    const postmaster = findPostmaster(new URL(server.adminUrl).port);
    const version = execFileSync(join(postgresBinDir(), "postgres"), ["--version"]).toString().trim();
    return { ...server, version, cpuMs: () => processTreeCpuMs(postmaster) };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
