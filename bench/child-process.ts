import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

export interface SpawnTsxOptions {
  env: Record<string, string>;
  /** Open an IPC channel so the child can `process.send` readiness/results. */
  ipc?: boolean;
  label: string;
}

/**
 * Runs a TypeScript entry point under node with the tsx loader in-process (`--import tsx`),
 * so the pid we signal is the process doing the work (the `tsx` CLI would add a wrapper).
 */
export function spawnTsx(entry: string, options: SpawnTsxOptions): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: { ...process.env, ...options.env },
    stdio: options.ipc ? ["ignore", "ignore", "pipe", "ipc"] : ["ignore", "ignore", "pipe"],
    shell: false,
  });
  child.stderr?.setEncoding("utf8");
  let stderrTail = "";
  child.stderr?.on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
  });
  child.once("exit", (code, signal) => {
    if (code !== 0 && code !== null && signal === null) {
      process.stderr.write(`[bench] ${options.label} exited with code ${code}\n${stderrTail}\n`);
    }
  });
  return child;
}

/** SIGTERM, then SIGKILL if the child has not exited within graceMs. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
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
