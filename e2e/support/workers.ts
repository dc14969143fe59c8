import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { storeEnv } from "./backend";
import { E2E_ENV } from "./stack-env";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const WORKER_DIR = join(ROOT, "apps/worker");

export interface WorkerProcess {
  id: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

const started = new Set<WorkerProcess>();

/** Runs until the file named by the task's `gate` param exists (see gate-handler.mjs). */
const GATE_HANDLER = { command: [process.execPath, join(ROOT, "e2e/support/gate-handler.mjs")] };

export interface StartWorkerOptions {
  /**
   * Task type → handler, written to a config file for this worker: a built-in one, or
   * "gate" (a command that runs until the test opens the task's gate file).
   */
  handlers?: Record<string, "noop" | "echo" | "sleep" | "fail" | "gate">;
  maxTasks?: number;
}

/** A real worker process against the current project's store (SQLite file or GitHub emulator), with the suite's short intervals. */
export function startWorker(id: string, opts: StartWorkerOptions = {}): WorkerProcess {
  const store = storeEnv();
  const dataDir = store.SENTINEL_DATA_DIR as string;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...E2E_ENV,
    ...store,
    WORKER_ID: id,
    WORKER_MAX_TASKS: String(opts.maxTasks ?? 4),
  };
  if (opts.handlers) {
    const configFile = join(dataDir, `worker-${id}.config.json`);
    const handlers = Object.fromEntries(
      Object.entries(opts.handlers).map(([type, handler]) => [
        type,
        handler === "gate" ? GATE_HANDLER : { builtin: handler },
      ]),
    );
    writeFileSync(configFile, JSON.stringify({ handlers }, null, 2));
    env.SENTINEL_CONFIG = configFile;
  }
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: WORKER_DIR,
    env,
    stdio: ["ignore", "ignore", "pipe"],
    shell: false,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((r) =>
    child.once("exit", (code) => {
      if (code !== 0 && code !== null) console.error(`worker ${id} exited with ${code}:\n${stderr}`);
      r(code);
    }),
  );
  const worker: WorkerProcess = { id, child, exited, kill: (signal) => child.kill(signal) };
  started.add(worker);
  void exited.then(() => started.delete(worker));
  return worker;
}

/** Stop every worker a test started (drain on SIGTERM, then SIGKILL after a grace period). */
export async function stopAllWorkers(): Promise<void> {
  const running = [...started];
  for (const w of running) w.kill("SIGTERM");
  const timer = setTimeout(() => {
    for (const w of running) w.kill("SIGKILL");
  }, 10_000);
  await Promise.all(running.map((w) => w.exited));
  clearTimeout(timer);
}
