import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findFreePort, tempDir } from "@sentinel/test-support";
import { postgresBinDir, waitForPostgres } from "@sentinel/test-support/postgres";
import { pgClient } from "./pg-client.js";

export interface DurableServer {
  /** `postgres://sentinel@127.0.0.1:<port>/postgres`. */
  url: string;
  /** Where the server keeps its files (for pg_test_fsync on the same disk). */
  dataDir: string;
  /** Runs one of the server's binaries (as the server's user when this process is root). */
  runBinary(command: string, args: string[]): string;
  stop(): Promise<void>;
}

/**
 * A throwaway server with Postgres's own defaults — every commit flushed to disk
 * (fsync, synchronous_commit, full_page_writes on) and the max_connections initdb picks —
 * because a capacity figure must hold on a durable server. The test suite's server
 * (test-support/postgres.ts) turns the flushes off for speed; it is not what is measured here.
 * One addition: the pg_stat_statements extension, which counts every statement.
 */
export async function startDurablePostgres(): Promise<DurableServer> {
  const bin = postgresBinDir();
  const dir = tempDir("sentinel-pg-durable");
  const dataDir = join(dir.path, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // Postgres refuses to run as root: the directory goes to Debian's `postgres` user.
    chownSync(dir.path, Number(execFileSync("id", ["-u", "postgres"])), Number(execFileSync("id", ["-g", "postgres"])));
    chmodSync(dir.path, 0o700);
  }
  const argv = (command: string, args: string[]): [string, string[]] =>
    asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, command), ...args]] : [join(bin, command), args];
  const runBinary = (command: string, args: string[]) =>
    execFileSync(...argv(command, args), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  runBinary("initdb", ["-D", dataDir, "-U", "sentinel", "-A", "trust", "-E", "UTF8"]);
  const port = await findFreePort();
  const logFile = join(dir.path, "server.log");
  const server: ChildProcess = spawn(
    ...argv("postgres", [
      ...["-D", dataDir, "-p", String(port), "-k", dir.path, "-c", "listen_addresses=127.0.0.1"],
      // Counts statements (database-monitor.ts counts the write lock's); changes nothing else.
      ...["-c", "shared_preload_libraries=pg_stat_statements"],
    ]),
    { stdio: ["ignore", "ignore", openSync(logFile, "a")] },
  );
  let stopping = false;
  server.once("exit", (code, signal) => {
    if (stopping) return;
    const tail = readFileSync(logFile, "utf8").split("\n").slice(-10).join("\n");
    process.stderr.write(`durable postgres exited unexpectedly (${signal ?? code}):\n${tail}\n`);
  });
  const url = `postgres://sentinel@127.0.0.1:${port}/postgres`;
  await waitForPostgres(url, server, { timeoutMs: 30_000, what: "the durable Postgres server accepting connections" });
  // In the template, so every database created for a run has the view.
  const template = pgClient(url.replace(/\/postgres$/, "/template1"));
  await template.connect();
  await template.query("CREATE EXTENSION pg_stat_statements");
  await template.end();
  return {
    url,
    dataDir,
    runBinary,
    async stop() {
      stopping = true;
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once("exit", resolve));
        // runuser does not pass signals on: signal the postmaster (first line of postmaster.pid).
        const pid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
        process.kill(pid, "SIGINT");
        await exited;
      }
      dir.remove();
    },
  };
}
