import { z } from "zod";
import { GITHUB_RATE_LIMITS } from "../domain/github-rate-limits.js";
import { ConfigError } from "../errors.js";
import { type GithubStoreOptions, resolveGithubStoreOptions } from "../store/github/options.js";
import { githubOptions, storeConfigFromEnv } from "../store/open-store.js";
import { describeExpected } from "./format-issue.js";
import type { SpendInputs } from "./github-spend.js";
import { checkGithubSpend, type SpendCheck } from "./spend-check.js";

const count = (max: number) => z.coerce.number().int().min(0).max(max);

/** The spend check's own variables (README, *Configuration*). */
const spendEnvSchema = z.object({
  SENTINEL_GITHUB_WORKERS_PER_TOKEN: count(10_000).default(1),
  SENTINEL_GITHUB_CONTROL_PLANES_PER_TOKEN: count(100).default(1),
  SENTINEL_GITHUB_PRIMARY_LIMIT: z.coerce.number().int().min(1).max(1_000_000).optional(),
  SENTINEL_GITHUB_SPEND_CHECK: z.enum(["refuse", "warn"]).default("refuse"),
  // The workers' cadence, for a process that is not a worker (the control plane) but shares their environment.
  HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(1).optional(),
  WORKER_POLL_INTERVAL_MS: z.coerce.number().int().min(1).optional(),
});

/** The cadences a process knows of itself; the others come from the environment, else their defaults. */
export interface ProcessCadence {
  heartbeatIntervalMs?: number;
  workerPollIntervalMs?: number;
  syncPollIntervalMs?: number;
  syncWorkersIntervalMs?: number;
}

/** A token's primary limit by kind, unless configured: GitHub Actions' `GITHUB_TOKEN` has 1,000, everything else at least 5,000. */
function primaryLimitOf(options: { integrationLogin?: string | undefined }): number {
  return options.integrationLogin ? GITHUB_RATE_LIMITS.actionsPrimaryPerHour : GITHUB_RATE_LIMITS.primaryPerHour;
}

/**
 * The spend check of the GitHub deployment the environment describes, as a process with
 * `cadence` sees it (the store's options exactly as it opens them), or null on SQLite.
 */
export function githubSpendCheckFromEnv(env: NodeJS.ProcessEnv, cadence: ProcessCadence = {}): SpendCheck | null {
  const config = storeConfigFromEnv(env);
  if (config.backend !== "github") return null;
  return githubSpendCheck(githubOptions(config, env), env, cadence);
}

export function githubSpendCheck(
  options: GithubStoreOptions,
  env: NodeJS.ProcessEnv,
  cadence: ProcessCadence = {},
): SpendCheck {
  const parsed = spendEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? "SENTINEL_GITHUB_SPEND_CHECK");
    throw new ConfigError(key, issue ? describeExpected(issue, env[key]) : "a valid value", "environment");
  }
  const resolved = resolveGithubStoreOptions(options);
  const spend = parsed.data;
  const inputs: SpendInputs = {
    workersPerToken: spend.SENTINEL_GITHUB_WORKERS_PER_TOKEN,
    controlPlanesPerToken: spend.SENTINEL_GITHUB_CONTROL_PLANES_PER_TOKEN,
    heartbeatIntervalMs: cadence.heartbeatIntervalMs ?? spend.HEARTBEAT_INTERVAL_MS ?? 30_000,
    workerPollIntervalMs: cadence.workerPollIntervalMs ?? spend.WORKER_POLL_INTERVAL_MS ?? 1_000,
    syncPollIntervalMs: cadence.syncPollIntervalMs ?? 5_000,
    syncWorkersIntervalMs: cadence.syncWorkersIntervalMs ?? 15_000,
    refreshIntervalMs: resolved.refreshIntervalMs,
    deepCheckIntervalMs: resolved.deepCheckIntervalMs,
    primaryPerHour: spend.SENTINEL_GITHUB_PRIMARY_LIMIT ?? primaryLimitOf(resolved),
    writeBudget: resolved.writeBudget,
  };
  return checkGithubSpend(inputs, spend.SENTINEL_GITHUB_SPEND_CHECK);
}
