/** The worker runtime's entry point (`@sentinel/coordination/runtime`): what apps/worker and embedders start a worker with. */
export type { WorkerConfig } from "../config/load-worker-config.js";
export { describePostgresUrl, loadWorkerConfig } from "../config/load-worker-config.js";
export type { HandlerDefinition } from "../handlers/task-handler.js";
export { createLogger } from "../observability/logger.js";
export { createWorker, type Worker } from "./create-worker.js";
export { StartAbortedError } from "./runtime-errors.js";
export { installShutdownSignals } from "./shutdown-signals.js";
export type { WorkerOptions } from "./worker-options.js";
