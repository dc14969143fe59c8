import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type LaunchedProcess, launchWorker, REPO_ROOT, stopAllProcesses } from "@sentinel/test-support/processes";
import { storeEnv } from "./backend";
import { E2E_ENV } from "./stack-env";

/** Runs until the file named by the task's `gate` param exists (see gate-handler.mjs). */
const GATE_HANDLER = { command: [process.execPath, join(REPO_ROOT, "e2e/support/gate-handler.mjs")] };

export interface StartWorkerOptions {
  /**
   * Task type → handler, written to a config file for this worker: a built-in one, or
   * "gate" (a command that runs until the test opens the task's gate file).
   */
  handlers?: Record<string, "noop" | "echo" | "sleep" | "fail" | "gate">;
  maxTasks?: number;
}

/** A real worker process against the current project's store (SQLite file or GitHub emulator), with the suite's short intervals. */
export function startWorker(id: string, opts: StartWorkerOptions = {}): LaunchedProcess {
  const store = storeEnv();
  const env: Record<string, string> = { ...E2E_ENV, ...store, WORKER_MAX_TASKS: String(opts.maxTasks ?? 4) };
  if (opts.handlers) {
    const configFile = join(store.SENTINEL_DATA_DIR as string, `worker-${id}.config.json`);
    const handlers = Object.fromEntries(
      Object.entries(opts.handlers).map(([type, handler]) => [
        type,
        handler === "gate" ? GATE_HANDLER : { builtin: handler },
      ]),
    );
    writeFileSync(configFile, JSON.stringify({ handlers }, null, 2));
    env.SENTINEL_CONFIG = configFile;
  }
  return launchWorker({ id, env });
}

/** Stop every worker a test started (drain on SIGTERM, then SIGKILL after a grace period). */
export function stopAllWorkers(): Promise<void> {
  return stopAllProcesses(10_000);
}
