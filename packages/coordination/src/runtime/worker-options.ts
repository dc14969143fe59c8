import type { Logger } from "pino";
import type { WorkerConfig } from "../config/load-worker-config.js";
import type { HandlerDefinition } from "../handlers/task-handler.js";
import type { CoordinationStore } from "../store/port.js";

export interface WorkerOptions {
  config: WorkerConfig;
  /** Use this store instead of connecting from `config.store` (embedding, tests). The worker does not close it. */
  store?: CoordinationStore;
  /** Programmatic handlers by task type, added to (and overriding) the configured ones. */
  handlers?: Record<string, HandlerDefinition>;
  logger?: Logger;
  /** Reported in the registration (default: npm_package_version or 0.0.0). */
  version?: string;
  labels?: Record<string, string>;
  /** For the default SQLite path. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The runtime's own lifecycle (the store's WorkerState is the cluster's view of it). */
export type WorkerRuntimeState = "new" | "starting" | "ready" | "draining" | "stopping" | "stopped" | "failed";
