import { waitFor } from "@sentinel/test-support";
import { startTempPostgres, type TempPostgres } from "@sentinel/test-support/postgres";
import { killAllProcesses } from "@sentinel/test-support/processes";
import { afterAll, afterEach, beforeAll } from "vitest";
import { openPostgresStore, type PostgresStore } from "../../src/store/postgres/index.js";
import type { spawnWorker } from "./worker-process.js";

export interface PostgresFleetServer {
  /** The file's throwaway server (started before its first test). */
  server(): TempPostgres;
  /** The test's own view of a cluster's database, closed after the test. */
  openStore(url: string): Promise<PostgresStore>;
}

/**
 * One throwaway Postgres server for the calling test file, like a database on another host:
 * its clock is the real one, whatever a worker process's says. After each test every worker
 * process is killed and the test's stores closed.
 */
export function usePostgresServer(): PostgresFleetServer {
  let server: TempPostgres | undefined;
  const stores: PostgresStore[] = [];
  beforeAll(async () => {
    server = await startTempPostgres();
  }, 60_000);
  afterEach(async () => {
    await killAllProcesses();
    for (const store of stores.splice(0)) await store.close();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    server() {
      if (!server) throw new Error("the test Postgres server has not started");
      return server;
    },
    async openStore(url) {
      const store = await openPostgresStore({ url });
      stores.push(store);
      return store;
    },
  };
}

/**
 * A worker's clock as it runs, minus the server's: the timestamp of its "registered" log line
 * (its own clock) against the registration time the server stamped just before.
 */
export async function observedSkewMs(store: PostgresStore, worker: ReturnType<typeof spawnWorker>): Promise<number> {
  const line = await waitFor(
    () => worker.lines.find((l) => l.action === "register" && l.result === "registered"),
    5000,
  );
  const record = await store.getWorker(worker.id);
  if (!record) throw new Error(`worker ${worker.id} is not registered`);
  return Date.parse(String(line.timestamp)) - record.registeredAt;
}
