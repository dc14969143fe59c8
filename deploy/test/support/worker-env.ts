import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, ValidationError } from "@sentinel/coordination";
import { loadWorkerConfig } from "@sentinel/coordination/runtime";
import { githubSpendCheck } from "../../../packages/coordination/src/config/spend-inputs.js";
import { resolveGithubStoreOptions } from "../../../packages/coordination/src/store/github/options.js";
import { githubOptions } from "../../../packages/coordination/src/store/open-store.js";

/**
 * What the worker makes of an environment: its config and, for the github backend, the
 * store's options (as it opens the store) and its start-up spend check (as spend-guard.ts runs it).
 */
export function resolveWorker(env: Record<string, string>) {
  const config = loadWorkerConfig({ env, cwd: mkdtempSync(join(tmpdir(), "sentinel-manifest-")) });
  if (config.store.backend !== "github") return { config, github: null, spend: null };
  const options = githubOptions(config.store, env);
  const spend = githubSpendCheck(options, env, {
    heartbeatIntervalMs: config.distributed.heartbeat.intervalMs,
    workerPollIntervalMs: config.polling.idleIntervalMs,
  });
  return { config, github: resolveGithubStoreOptions(options), spend };
}

/**
 * Whether the worker reads `name`: a value it cannot accept is refused naming the variable,
 * or a new value shows up in what it resolved.
 */
export function isReadByWorker(env: Record<string, string>, name: string): boolean {
  const baseline = JSON.stringify(resolveWorker(env));
  const marker = `marker-${name.toLowerCase().replace(/_/g, "-")}-0123456789`;
  try {
    const resolved = JSON.stringify(resolveWorker({ ...env, [name]: marker }));
    return resolved !== baseline && resolved.includes(marker);
  } catch (thrown) {
    if (!(thrown instanceof ConfigError || thrown instanceof ValidationError)) throw thrown;
    return thrown.message.includes(name);
  }
}
