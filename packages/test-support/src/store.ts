import { join } from "node:path";
import { openSqliteStore, type SqliteStore } from "@sentinel/coordination/sqlite";
import { afterEach, beforeEach } from "vitest";
import { tempDir } from "./temp-dir.js";

export interface TempStore {
  /** The temp directory holding the file (tests may put config files beside it). */
  dir: string;
  /** The SQLite file. */
  path: string;
  store: SqliteStore;
  /** Another connection to the same file, as another process would have; closed by cleanup. */
  open(): SqliteStore;
  /** Closes every connection and removes the directory (with the WAL files). */
  cleanup(): Promise<void>;
}

/** A fresh, real SQLite store file per test, in its own temp directory. */
export function openTempStore(prefix = "sentinel-store"): TempStore {
  const dir = tempDir(prefix);
  const path = join(dir.path, "store.db");
  const opened: SqliteStore[] = [];
  const open = (): SqliteStore => {
    const store = openSqliteStore({ path });
    opened.push(store);
    return store;
  };
  return {
    dir: dir.path,
    path,
    store: open(),
    open,
    async cleanup() {
      for (const store of opened.splice(0)) await store.close();
      dir.remove();
    },
  };
}

/**
 * For a test file whose tests each want a fresh store: opens one before each test and cleans
 * it up after. The returned object reads through to the current test's store.
 */
export function tempStorePerTest(prefix?: string): TempStore {
  let current: TempStore | null = null;
  beforeEach(() => {
    current = openTempStore(prefix);
  });
  afterEach(async () => {
    await current?.cleanup();
    current = null;
  });
  const get = (): TempStore => {
    if (!current) throw new Error("the temp store is opened per test: use it inside a test or hook");
    return current;
  };
  return {
    get dir() {
      return get().dir;
    },
    get path() {
      return get().path;
    },
    get store() {
      return get().store;
    },
    open: () => get().open(),
    cleanup: () => get().cleanup(),
  };
}
