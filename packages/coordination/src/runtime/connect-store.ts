import type { StoreConfig } from "../config/load-worker-config.js";
import { type OpenedStore, type OpenStoreOptions, openStoreFromConfig } from "../store/open-store.js";

export type ConnectedStore = OpenedStore;

/**
 * `busyTimeoutMs` is SQLite's busy_timeout. better-sqlite3 waits synchronously, blocking the
 * event loop and so the heartbeat timer: a worker must keep it well under its lease (the
 * adapter retries BUSY asynchronously beyond it).
 */
export type ConnectStoreOptions = OpenStoreOptions;

/** The worker's connect-store start-up step, for whichever backend the config selects. */
export function connectStore(config: StoreConfig, opts: ConnectStoreOptions = {}): Promise<ConnectedStore> {
  return openStoreFromConfig(config, opts);
}
