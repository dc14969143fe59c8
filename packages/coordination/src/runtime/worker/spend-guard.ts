import { describeSpendProblem, enforceSpendCheck } from "../../config/spend-check.js";
import { githubSpendCheck } from "../../config/spend-inputs.js";
import { githubOptions } from "../../store/open-store.js";
import type { WorkerCore } from "./worker-core.js";

/**
 * Before a GitHub worker connects: project the hourly spend of its configuration on its
 * token (config/github-spend.ts) and refuse to start if an idle cluster alone would exceed
 * the token's limit (or only warn, with SENTINEL_GITHUB_SPEND_CHECK=warn); warnings are
 * logged loudly with the key at fault.
 */
export function guardGithubSpend(core: WorkerCore, env: NodeJS.ProcessEnv): void {
  const { config, log } = core;
  if (config.store.backend !== "github") return;
  const check = githubSpendCheck(githubOptions(config.store, env), env, {
    heartbeatIntervalMs: config.distributed.heartbeat.intervalMs,
    workerPollIntervalMs: config.polling.idleIntervalMs,
  });
  const { idle, taskCapacityPerHour } = check.projection;
  log.info(
    { action: "spend-check", result: "projected", metadata: { idle, taskCapacityPerHour } },
    `GitHub spend projected for this token: ≈ ${idle.charged} requests/hour idle, room for ≈ ${Math.min(taskCapacityPerHour.primary, taskCapacityPerHour.secondary)} tasks/hour`,
  );
  enforceSpendCheck(check, (problem) =>
    log.warn(
      { action: "spend-check", result: problem.level, metadata: { key: problem.key } },
      describeSpendProblem(problem),
    ),
  );
}
