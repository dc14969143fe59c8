import { userInfo } from "node:os";
import { resolve } from "node:path";
import { loadWorkerConfig } from "../config/load-worker-config.js";
import { openStoreFromConfig } from "../store/open-store.js";
import type { CoordinationStore } from "../store/port.js";
import { openSqliteStore } from "../store/sqlite/index.js";

export interface GlobalOptions {
  json?: boolean;
  db?: string;
  /** Who the audit names instead of `cli:<os user>` (e.g. a CI job). */
  actor?: string;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Store selection follows the worker's (config file, SENTINEL_* and GITHUB_* variables); `--db` points at a SQLite file directly. */
export async function openCliStore(global: GlobalOptions, io: CliIo): Promise<CoordinationStore> {
  if (global.db) return openSqliteStore({ path: resolve(io.cwd, global.db) });
  const config = loadWorkerConfig({ env: io.env, cwd: io.cwd });
  const { store } = await openStoreFromConfig(config.store, { env: io.env, cwd: io.cwd });
  return store;
}

/** Who the durable audit says did it: `--actor`, else `cli:<os user>`. */
export function cliAuditActor(global: GlobalOptions = {}): string {
  if (global.actor !== undefined) return global.actor;
  let name = "unknown";
  try {
    name = userInfo().username;
  } catch {
    // Containers without a passwd entry still get an actor name.
  }
  return `cli:${name}`;
}

/** Who the store's events say did it (operators' actions are `operator:<who>`). */
export function cliActor(global: GlobalOptions = {}): string {
  return `operator:${cliAuditActor(global)}`;
}

export function emit(io: CliIo, global: GlobalOptions, data: unknown, human: () => string): void {
  io.out(global.json ? JSON.stringify(data, null, 2) : human());
}
