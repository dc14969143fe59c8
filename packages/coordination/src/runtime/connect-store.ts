import type { StoreConfig } from "../config/load-worker-config.js";
import { ConfigError } from "../errors.js";
import { openSqliteStore, defaultSqlitePath } from "../store/sqlite/index.js";
import type { CoordinationStore } from "../store/port.js";

export interface ConnectedStore {
  store: CoordinationStore;
  /** For the startup line: the file or repository the worker talks to. */
  description: string;
}

export interface ConnectStoreOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * SQLite's busy_timeout. better-sqlite3 waits synchronously, blocking the event loop and so
   * the heartbeat timer: a worker must keep it well under its lease (the adapter retries BUSY
   * asynchronously beyond it).
   */
  busyTimeoutMs?: number;
}

/** The seed's "Connect GitHub" step, for whichever backend the config selects. */
export async function connectStore(config: StoreConfig, opts: ConnectStoreOptions = {}): Promise<ConnectedStore> {
  if (config.backend === "sqlite") {
    const path = config.sqlitePath ?? defaultSqlitePath(opts.env ?? process.env, opts.cwd ?? process.cwd());
    return { store: openSqliteStore({ path, ...(opts.busyTimeoutMs !== undefined ? { busyTimeoutMs: opts.busyTimeoutMs } : {}) }), description: `sqlite ${path}` };
  }
  throw new ConfigError("store.backend", `"sqlite" (the github backend is not available to this worker build)`, "config");
}
