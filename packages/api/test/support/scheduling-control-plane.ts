/**
 * A control plane process for multi-process tests: the real createControlPlane over the
 * SQLite file at SENTINEL_SQLITE_PATH, running its scheduler loop (its syncer is left off:
 * the test reads the store, not the cache). Says "ready" over IPC; SIGTERM closes it.
 */
import { openSqliteStore } from "@sentinel/coordination/sqlite";
import { createControlPlane } from "../../src/server/index.js";

const path = process.env.SENTINEL_SQLITE_PATH;
const dataDir = process.env.SENTINEL_DATA_DIR;
if (!path || !dataDir) throw new Error("SENTINEL_SQLITE_PATH and SENTINEL_DATA_DIR are required");
const store = openSqliteStore({ path });
const cp = createControlPlane({
  store,
  dataDir,
  env: { SENTINEL_OPERATOR_TOKEN: "ops:scheduling-test-token-0123", SENTINEL_SESSION_SECRET: "s".repeat(40) },
  startSyncer: false,
  startScheduler: true,
  ownsStore: true,
});
process.send?.("ready");
process.once("SIGTERM", () => {
  void cp.close().then(() => process.exit(0));
});
