import { describeStoreContract } from "@sentinel/coordination/contract";
import { openPostgresStore, type PostgresStore } from "@sentinel/coordination/postgres";
import { startTempPostgres, type TempPostgres } from "@sentinel/test-support/postgres";
import { afterAll, beforeAll } from "vitest";

const TEMPLATE = "sentinel_template";
let server: TempPostgres;

beforeAll(async () => {
  server = await startTempPostgres();
  // Migrate once into a template; each test gets a copy (CREATE DATABASE … TEMPLATE: a file copy, no migration).
  const url = await server.createDatabase();
  const name = new URL(url).pathname.slice(1);
  await (await openPostgresStore({ url })).close();
  const admin = new (await import("pg")).default.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query(`ALTER DATABASE "${name}" RENAME TO "${TEMPLATE}"`);
  await admin.end();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describeStoreContract("postgres (a fresh database per test on a throwaway server)", async () => {
  const url = await server.createDatabase(TEMPLATE);
  const opened: PostgresStore[] = [];
  const open = async () => {
    const store = await openPostgresStore({ url });
    opened.push(store);
    return store;
  };
  const store = await open();
  return {
    store,
    openPeer: open,
    async cleanup() {
      for (const s of opened.splice(0)) await s.close();
      await server.dropDatabase(url);
    },
  };
});
