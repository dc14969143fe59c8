import { ConfigError } from "../errors.js";
import { projectGithubSpend, type SpendInputs, type SpendProjection } from "./github-spend.js";

/** A finding of the spend check: an error refuses to start (unless SENTINEL_GITHUB_SPEND_CHECK=warn), a warning is logged loudly. */
export interface SpendProblem {
  level: "error" | "warning";
  /** The setting at fault. */
  key: string;
  message: string;
}

export interface SpendCheck {
  projection: SpendProjection;
  problems: SpendProblem[];
  /** What the process does about errors: refuse to start, or start and warn. */
  mode: SpendCheckMode;
}

export type SpendCheckMode = "refuse" | "warn";

/** Idle spend above this share of the primary limit leaves little room for tasks: warned. */
const IDLE_WARN_SHARE = 0.5;

function pct(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100)} %`;
}

/**
 * Judge a configuration's projected hourly spend (github-spend.ts) against the token's
 * limits. Errors: an idle cluster alone would exceed the primary limit. Warnings: heartbeats
 * stretched past the configured interval (a dead worker is noticed later), an idle spend that
 * leaves little room for tasks, no room for any task.
 */
export function checkGithubSpend(inputs: SpendInputs, mode: SpendCheckMode = "refuse"): SpendCheck {
  const projection = projectGithubSpend(inputs);
  const problems: SpendProblem[] = [];
  const { idle, worker, controlPlane } = projection;
  const limit = inputs.primaryPerHour;
  const breakdown = `${inputs.workersPerToken} worker(s) × ${worker.charged} + ${inputs.controlPlanesPerToken} control plane(s) × ${controlPlane.charged}`;
  if (idle.charged > limit) {
    const deepShare = inputs.deepCheckIntervalMs > 0 ? (2 * 3_600_000) / inputs.deepCheckIntervalMs : 0;
    const key = deepShare > worker.charged / 2 ? "deepCheckIntervalMs" : "SENTINEL_GITHUB_WORKERS_PER_TOKEN";
    problems.push({
      level: "error",
      key,
      message: `idle, the processes on this token would spend ≈ ${idle.charged.toLocaleString("en")} requests/hour (${breakdown}), over its primary limit of ${limit.toLocaleString("en")}/hour (SENTINEL_GITHUB_PRIMARY_LIMIT): give some workers their own token, or lengthen the deep check`,
    });
  } else if (idle.charged > limit * IDLE_WARN_SHARE) {
    problems.push({
      level: "warning",
      key: "SENTINEL_GITHUB_WORKERS_PER_TOKEN",
      message: `idle, the processes on this token spend ≈ ${idle.charged.toLocaleString("en")} requests/hour (${breakdown}), ${pct(idle.charged, limit)} of its primary limit of ${limit.toLocaleString("en")}/hour: room for ≈ ${projection.taskCapacityPerHour.primary} tasks/hour`,
    });
  }
  if (projection.heartbeatStretch > 1) {
    problems.push({
      level: "warning",
      key: "HEARTBEAT_INTERVAL_MS",
      message: `${inputs.workersPerToken} workers on one token fit GitHub's ${inputs.writeBudget.perHour} writes/hour only if each beats every ${Math.round(projection.effectiveHeartbeatIntervalMs / 1000)} s instead of ${Math.round(inputs.heartbeatIntervalMs / 1000)} s: leases (and the time to notice a dead worker) stretch ×${projection.heartbeatStretch.toFixed(2)}; spread the workers over more tokens to keep them short`,
    });
  }
  if (
    idle.charged <= limit &&
    Math.min(projection.taskCapacityPerHour.primary, projection.taskCapacityPerHour.secondary) === 0
  ) {
    problems.push({
      level: "warning",
      key: "SENTINEL_GITHUB_WORKERS_PER_TOKEN",
      message: `the token has no room left for tasks within the stores' headroom (${inputs.writeBudget.headroom}): tasks will wait for budget`,
    });
  }
  return { projection, problems, mode };
}

/** A problem as a log line, loud enough to be found in a start-up log. */
export function describeSpendProblem(problem: SpendProblem): string {
  return `GITHUB BUDGET ${problem.level === "error" ? "EXCEEDED" : "WARNING"} (${problem.key}): ${problem.message}`;
}

/**
 * Apply the check at a process's start: log each warning loudly, and refuse to start on an
 * error unless told to warn (the error names the key at fault and the limit).
 */
export function enforceSpendCheck(
  check: SpendCheck,
  warn: (problem: SpendProblem) => void,
  source = "environment",
): void {
  for (const problem of check.problems) if (problem.level === "warning" || check.mode === "warn") warn(problem);
  const error = check.problems.find((problem) => problem.level === "error");
  if (error && check.mode === "refuse")
    throw new ConfigError(error.key, `a configuration within the token's limits: ${error.message}`, source);
}
