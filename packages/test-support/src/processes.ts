import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join, resolve } from "node:path";
import type { CoordinationStore } from "@sentinel/coordination";
import { type WaitForOptions, waitFor } from "./wait-for.js";

/** The repository root (this file is packages/test-support/src/processes.ts). */
export const REPO_ROOT = resolve(import.meta.dirname, "../../..");

/** Preload that shifts a child's `Date` by SENTINEL_TEST_CLOCK_SKEW_MS (the store's clock is untouched). */
const SKEW_PRELOAD = join(import.meta.dirname, "skew-clock.mjs");

export interface LaunchOptions {
  /** Names the process in error output. */
  label: string;
  /** Added on top of `baseEnv`. */
  env?: Record<string, string>;
  /**
   * The environment the child starts from: the caller's by default; tests that must not
   * inherit the developer's variables pass a minimal one (see `MINIMAL_ENV`).
   */
  baseEnv?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Extra command-line arguments after the entry point. */
  args?: string[];
  /** Open an IPC channel so the child can `process.send` readiness or results. */
  ipc?: boolean;
  /** Parse stdout as JSON lines (pino logs) into `lines`; otherwise stdout is dropped. */
  jsonLines?: boolean;
  /** Shift the child's `Date.now` / `new Date()` by this much (clock-skew tests). */
  clockSkewMs?: number;
}

export interface LaunchedProcess {
  label: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when ended by a signal). */
  exited: Promise<number | null>;
  /** Parsed stdout lines, when launched with `jsonLines`. */
  lines: Array<Record<string, unknown>>;
  /** The last 4,000 characters of stderr. */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** PATH and HOME only: what a child needs to run node without the caller's other variables. */
export const MINIMAL_ENV: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" };

const launched = new Set<LaunchedProcess>();

/**
 * Runs a TypeScript entry point in a real node process with the tsx loader in-process
 * (`node --import tsx`), so the pid signalled is the process doing the work: the tsx CLI
 * would add a wrapper that SIGKILLs a child slow to acknowledge a relayed SIGTERM, turning
 * a graceful drain into a crash under load. No shell: arguments are never interpolated.
 */
export function launchTsx(entry: string, options: LaunchOptions): LaunchedProcess {
  const skewed = options.clockSkewMs !== undefined && options.clockSkewMs !== 0;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", ...(skewed ? ["--import", SKEW_PRELOAD] : []), entry, ...(options.args ?? [])],
    {
      cwd: options.cwd,
      env: {
        ...(options.baseEnv ?? process.env),
        ...(skewed ? { SENTINEL_TEST_CLOCK_SKEW_MS: String(options.clockSkewMs) } : {}),
        ...options.env,
      },
      stdio: ["ignore", options.jsonLines ? "pipe" : "ignore", "pipe", ...(options.ipc ? (["ipc"] as const) : [])],
      shell: false,
    },
  );
  const lines: Array<Record<string, unknown>> = [];
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  let buffer = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      if (code !== 0 && code !== null) process.stderr.write(`${options.label} exited with code ${code}\n${stderr}\n`);
      resolve(code);
    }),
  );
  const handle: LaunchedProcess = {
    label: options.label,
    child,
    exited,
    lines,
    stderrTail: () => stderr,
    stop: (graceMs = 10_000) => stopChild(child, graceMs),
  };
  launched.add(handle);
  void exited.then(() => launched.delete(handle));
  return handle;
}

/** SIGTERM, then SIGKILL if the child has not exited within graceMs. */
async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every process launched here that is still running (drain on SIGTERM, SIGKILL after `graceMs`). */
export async function stopAllProcesses(graceMs = 10_000): Promise<void> {
  await Promise.all([...launched].map((p) => p.stop(graceMs)));
}

/** Kills every process launched here that is still running: no process may outlive its test. */
export async function killAllProcesses(): Promise<void> {
  const left = [...launched];
  for (const p of left) p.child.kill("SIGKILL");
  await Promise.all(left.map((p) => p.exited));
}

/** Resolves with the first IPC message matching `accept`, rejecting if the child exits first or time runs out. */
export function waitForMessage<T>(
  child: ChildProcess,
  accept: (message: unknown) => message is T,
  timeoutMs: number,
  label: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      if (!accept(message)) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`${label} exited (code ${code}) before it was ready`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${label} not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

export interface LaunchWorkerOptions extends Omit<LaunchOptions, "label" | "cwd"> {
  /** WORKER_ID of the process. */
  id: string;
}

/** A real worker process (`apps/worker`), configured through its environment like any deployment. */
export function launchWorker(options: LaunchWorkerOptions): LaunchedProcess & { id: string } {
  const { id, ...rest } = options;
  const worker = launchTsx(join(REPO_ROOT, "apps/worker/src/main.ts"), {
    ...rest,
    label: `worker ${id}`,
    cwd: join(REPO_ROOT, "apps/worker"),
    env: { WORKER_ID: id, ...rest.env },
  });
  return Object.assign(worker, { id });
}

/**
 * `waitFor` while `processes` run: fails at once when one of them exits, and on timeout the
 * error carries each one's stderr tail, so a failure on a CI machine says why.
 */
export async function waitWhileRunning<T>(
  processes: LaunchedProcess[],
  check: () => Promise<T> | T,
  options: WaitForOptions & { what: string },
): Promise<NonNullable<T>> {
  const tails = () => processes.map((p) => `--- ${p.label} stderr:\n${p.stderrTail().slice(-1500)}`).join("\n");
  try {
    return await waitFor(async () => {
      const ended = processes.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
      if (ended)
        throw new Error(
          `${ended.label} exited (${ended.child.exitCode ?? ended.child.signalCode}) while waiting for ${options.what}`,
        );
      return check();
    }, options);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${tails()}`);
  }
}

/** Waits until every one of `workers` is registered and not REMOVED (a re-registered id counts once). */
export async function waitForRegistered(
  store: Pick<CoordinationStore, "listWorkers">,
  workers: Array<LaunchedProcess & { id: string }>,
  timeoutMs: number,
): Promise<void> {
  await waitWhileRunning(
    workers,
    async () => {
      const listed = new Set((await store.listWorkers()).map((w) => w.id));
      return workers.every((w) => listed.has(w.id));
    },
    { timeoutMs, intervalMs: 200, what: `${workers.map((w) => w.id).join(", ")} registered` },
  );
}
