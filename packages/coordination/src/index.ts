/**
 * The coordination package's public API: what the control plane, the dashboard, the worker
 * app and the bench use. Everything else is internal; adapters, the runtime and the contract
 * suite have their own entry points (see package.json `exports`).
 */

export {
  ACCESS_TOKENS_SETTING_KEY,
  type AccessToken,
  type CreatedAccessToken,
  createAccessToken,
  hashAccessToken,
  listAccessTokens,
  revokeAccessToken,
  rotateAccessToken,
  TOKEN_NAME_RE,
} from "./access/access-tokens.js";
export { type AuditedCall, runAudited } from "./access/run-audited.js";
export { isStrategyName } from "./balancer/strategies.js";
export { STRATEGY_SETTING_KEY, writeStrategy } from "./balancer/strategy-setting.js";
export { STRATEGY_NAMES } from "./balancer/types.js";
export type { SpendInputs, SpendProjection } from "./config/github-spend.js";
export {
  describeSpendProblem,
  enforceSpendCheck,
  type SpendCheck,
  type SpendProblem,
} from "./config/spend-check.js";
export { githubSpendCheckFromEnv } from "./config/spend-inputs.js";
export {
  type AlertChannel,
  type AlertDelivery,
  type AlertEpisode,
  type AlertLog,
  type AlertSeverity,
  type AlertTransition,
  alertKey,
  type DeliveryAttempt,
  deliveryBackoffMs,
  deliveryDueAt,
  deliveryStateAt,
  foldAlertLog,
  MAX_DELIVERY_ATTEMPTS,
} from "./domain/alert-log.js";
export {
  type AssignmentDecision,
  assignmentDecisionSchema,
  MAX_ALTERNATIVES,
  readAssignmentDecision,
} from "./domain/assignment-decision.js";
export {
  AUDIT_RESULTS,
  type AuditFilter,
  type AuditRecord,
  type AuditResult,
  type AuditSnapshot,
  auditFilterSchema,
  auditSnapshot,
  type NewAuditRecord,
} from "./domain/audit.js";
export {
  ALERT_CODES,
  type Alert,
  type AlertCode,
  type AlertInput,
  computeAlerts,
  NAMED_STALE_WORKERS,
} from "./domain/cluster-alerts.js";
export { displayableJson, displayableTask } from "./domain/displayable.js";
export type { StoreEvent } from "./domain/events.js";
export { type BudgetRunway, budgetRunway, GITHUB_RATE_LIMITS } from "./domain/github-rate-limits.js";
export { jsonTextDepth, LIMITS, MEMORY_VALUE_LIMIT, RECORD_LIMIT } from "./domain/limits.js";
export type { Lock } from "./domain/lock.js";
export { MEMORY_NAMESPACES, type MemoryEntry } from "./domain/memory.js";
export { describeRoleRefusal, ROLES, type Role, roleAllows, roleSchema } from "./domain/roles.js";
export {
  CATCH_UP_POLICIES,
  type CatchUpPolicy,
  type NewScheduleInput,
  newScheduleSchema,
  nextRuns,
  type Schedule,
  type ScheduleEdit,
  type ScheduleRun,
  scheduleEditSchema,
} from "./domain/schedule.js";
export { newTaskSchema, type Page, TASK_STATES, type Task, type TaskState } from "./domain/task.js";
export { whyNoWorkerCanRun } from "./domain/task-claims.js";
export type { TaskLog, TaskLogLine, TaskProgress } from "./domain/task-log.js";
export { type ArchivedTask, PURGE_BATCH } from "./domain/task-retention.js";
export {
  describeLimit,
  describeLimitWait,
  parseStartsLimit,
  type StartsLimit,
  startsLeft,
  type TypeLimit,
  type TypeLimitChange,
  type TypeLoad,
} from "./domain/task-type-limit.js";
export { ALL_TYPES, describePause, pauseOf, pauseTargetSchema, type TypePause } from "./domain/task-type-pause.js";
export {
  ACCEPTING_STATES,
  availableSlots,
  isLeaseLive,
  LEASE_HOLDING_STATES,
  WORKER_STATES,
  type WorkerRecord,
  type WorkerRegistration,
  type WorkerState,
} from "./domain/worker.js";
export {
  type WorkerBudget,
  type WorkerMetrics,
  type WorkerMetricsRecord,
  workerMetricsSchema,
} from "./domain/worker-metrics.js";
export {
  ConfigError,
  coerceError,
  IllegalTransitionError,
  LeaseLostError,
  MissingMigrationsError,
  NamespaceViolationError,
  NotFoundError,
  SentinelError,
  StaleFencingTokenError,
  TypeLimitReachedError,
  TypePausedError,
  ValidationError,
} from "./errors.js";
export { type IntervalTask, startIntervalTask } from "./interval-task.js";
export { TaskQueue } from "./queue/task-queue.js";
export { WorkerRegistry } from "./registry/worker-registry.js";
export { SCHEDULE_TICK_MS, startScheduleRunner } from "./schedules/schedule-runner.js";
export { openStoreFromEnv } from "./store/open-store.js";
export type { CoordinationStore } from "./store/port.js";
export { reportedBudget, reportedRefusals } from "./store/reported-stats.js";
export { schedulesOf, supportsSchedules } from "./store/schedule-port.js";
