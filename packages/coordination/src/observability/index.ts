export type { HealthServer, HealthServerOptions, WorkerHealth, WorkerHealthStatus } from "./health-server.js";
export { startHealthServer } from "./health-server.js";
export type { CreateLoggerOptions, LogFields, Logger } from "./logger.js";
export { createLogger, REDACT_PATHS } from "./logger.js";
export type { WorkerMetrics } from "./worker-metrics.js";
export { createWorkerMetrics } from "./worker-metrics.js";
