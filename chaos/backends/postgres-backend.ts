import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { openPostgresStore } from "@sentinel/coordination/postgres";
import { tempDir } from "@sentinel/test-support";
import { postgresBinDir, startTempPostgres } from "@sentinel/test-support/postgres";
import { type ChaosBackend, sleep, type WorkerTimings } from "../backend.js";
import { retryTransient } from "../retry-transient.js";

const TIMINGS: WorkerTimings = { heartbeatMs: 200, staleMs: 1500, checkMs: 300, pollMs: 50 };
/** The pause between two rounds of a connection drop (each round is one psql session). */
const DROP_EVERY_MS = 150;

/** Every other client session on the chaos database: the workers' pools and LISTEN connections, the runner's pool. */
const TERMINATE_SESSIONS = `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
  WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`;

/** One admin session per round, through the server's own psql (the runner has no Postgres driver of its own). */
async function terminateSessions(url: string): Promise<number> {
  const psql = join(postgresBinDir(), "psql");
  const { stdout } = await promisify(execFile)(psql, [
    url,
    "-X",
    "-A",
    "-t",
    "-v",
    "ON_ERROR_STOP=1",
    "-c",
    TERMINATE_SESSIONS,
  ]);
  return Number(stdout.trim());
}

/**
 * A throwaway PostgreSQL server (test-support/postgres.ts) with one database shared by the
 * runner and the worker processes, which select it as in production: SENTINEL_STORE=postgres
 * and SENTINEL_POSTGRES_URL. Its faults: the server restarted (fast shutdown, every session
 * ended, then started again on the same port), and every live connection terminated from an
 * admin session, again and again for a while, so some die inside a transaction.
 */
export async function openPostgresChaos(): Promise<ChaosBackend> {
  const server = await startTempPostgres();
  const dir = tempDir("sentinel-chaos-postgres");
  try {
    const url = await server.createDatabase();
    // Opening migrates the new database once, before the workers start.
    const store = retryTransient(await openPostgresStore({ url }));
    const configPath = join(dir.path, "task-sentinel.config.json");
    writeFileSync(configPath, JSON.stringify({ handlers: { sleep: { builtin: "sleep" }, fail: { builtin: "fail" } } }));
    const restart = async (): Promise<string> => {
      const started = performance.now();
      await server.restart();
      return `restarted the server (fast shutdown, start): accepting connections again after ${Math.round(performance.now() - started)} ms`;
    };
    const dropConnections = async (durationMs: number): Promise<string> => {
      let ended = 0;
      let rounds = 0;
      const until = performance.now() + durationMs;
      do {
        ended += await terminateSessions(url);
        rounds += 1;
        await sleep(DROP_EVERY_MS);
      } while (performance.now() < until);
      return `terminated every session of the database ${rounds} times in ${durationMs} ms: ${ended} connections ended`;
    };
    return {
      name: "postgres",
      store,
      timings: TIMINGS,
      workerEnv: { SENTINEL_CONFIG: configPath, SENTINEL_STORE: "postgres", SENTINEL_POSTGRES_URL: url },
      faults: [
        // The restart takes what it takes (1–3 s on the loaded 2-core machine): nothing to draw.
        { kind: "pg-restart", durationMs: { min: 0, max: 0 }, inject: restart },
        { kind: "pg-drop-connections", durationMs: { min: 500, max: 2000 }, inject: dropConnections },
      ],
      setup: `a throwaway PostgreSQL ${basename(dirname(postgresBinDir()))} server on loopback (fsync off), one database; heartbeat ${TIMINGS.heartbeatMs} ms, stale threshold ${TIMINGS.staleMs} ms, check every ${TIMINGS.checkMs} ms`,
      async close() {
        await store.close();
        await server.stop();
        dir.remove();
      },
    };
  } catch (error) {
    await server.stop();
    dir.remove();
    throw error;
  }
}
