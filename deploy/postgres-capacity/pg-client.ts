import { createRequire } from "node:module";
import { join, resolve } from "node:path";

/**
 * node-postgres as the coordination package resolves it: `pg` is that package's dependency,
 * not the repository root's, so these scripts load it from there (as build-image.ts finds
 * better-sqlite3), typed by the little of it they use.
 */
export interface PgClient {
  connect(): Promise<void>;
  query<T>(text: string): Promise<{ rows: T[] }>;
  on(event: "notification", listener: () => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  end(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, "../..");
const pg = createRequire(join(ROOT, "packages/coordination/package.json"))("pg") as {
  Client: new (config: { connectionString: string; application_name?: string }) => PgClient;
};

/** A client whose lost connection is reported, not thrown at the process: its next query fails instead. */
export function pgClient(url: string, applicationName = "measure"): PgClient {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on("error", (error) => process.stderr.write(`${applicationName}: connection lost: ${error.message}\n`));
  return client;
}

/**
 * Counts every query any client of this process sends from now on (the store's pooled
 * connections are pg Clients of this same module): one round trip to the server each.
 */
export function countRoundTrips(): { count(): number; reset(): void } {
  const prototype = pg.Client.prototype as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  let count = 0;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    count += 1;
    return original.apply(this, args);
  };
  return {
    count: () => count,
    reset: () => {
      count = 0;
    },
  };
}
