import { waitFor } from "@sentinel/test-support";
import { startTempPostgres, type TempPostgres } from "@sentinel/test-support/postgres";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkOut, createPool } from "../../src/store/postgres/connection.js";
import { transientStoreError } from "../../src/store/transient-store-error.js";

/**
 * A session the server ends while this process holds its connection between two statements
 * (pg_terminate_backend, as the chaos run's connection drops do; a restart ends it the same
 * way). node-postgres emits 'error' on such a client, which the pool listens for only while the
 * connection is idle: unheard, it crashed the whole worker.
 */
let server: TempPostgres;
let url: string;
let pool: pg.Pool;

beforeAll(async () => {
  server = await startTempPostgres();
  url = await server.createDatabase();
  pool = createPool({ url });
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

async function terminate(pid: number): Promise<void> {
  const admin = createPool({ url: server.adminUrl, maxConnections: 1 });
  try {
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
  } finally {
    await admin.end();
  }
}

describe("a checked-out Postgres connection whose session is ended", () => {
  it("fails its next statement as transient, is dropped on release, and the pool carries on", async () => {
    const held = await checkOut(pool);
    const { rows } = await held.client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const ended = new Promise((resolve) => held.client.once("end", resolve));
    await terminate(Number(rows[0]?.pid));
    await ended;
    const next = await held.client.query("SELECT 1").then(
      () => null,
      (error: unknown) => error,
    );
    expect(next).toBeInstanceOf(Error);
    expect(transientStoreError(next)).not.toBeNull();
    held.release();
    await waitFor(() => pool.totalCount === 0, { timeoutMs: 2000, what: "the lost connection dropped from the pool" });
    const again = await checkOut(pool);
    try {
      expect((await again.client.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
    } finally {
      again.release();
    }
  }, 30_000);
});
