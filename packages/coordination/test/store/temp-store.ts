import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore, type SqliteStore } from "@sentinel/coordination/sqlite";

/** A fresh SQLite file in its own temp directory, removed (with its WAL files) on cleanup. */
export function openTempStore(): { store: SqliteStore; dir: string; cleanup(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-store-"));
  const store = openSqliteStore({ path: join(dir, "sentinel.db") });
  return {
    store,
    dir,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
