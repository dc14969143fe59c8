export { createLogger, REDACT_PATHS } from "./logger.js";
export type { Logger, LogFields, CreateLoggerOptions } from "./logger.js";
export { createWorkerMetrics } from "./worker-metrics.js";
export type { WorkerMetrics } from "./worker-metrics.js";
export { startHealthServer } from "./health-server.js";
export type { HealthServer, HealthServerOptions, WorkerHealth, WorkerHealthStatus } from "./health-server.js";
