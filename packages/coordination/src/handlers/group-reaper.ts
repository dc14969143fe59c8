import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { processEnv } from "../env.js";

const REAPER = fileURLToPath(new URL("./group-reaper.mjs", import.meta.url));

let reaper: ChildProcess | null = null;

/** The worker's reaper, started on first use (see group-reaper.mjs); a dead one is replaced. */
function liveReaper(graceMs: number): ChildProcess {
  if (reaper && reaper.exitCode === null && reaper.signalCode === null && reaper.stdin?.writable) return reaper;
  const started = spawn(process.execPath, [REAPER, String(graceMs)], {
    detached: true,
    stdio: ["pipe", "ignore", "inherit"],
    env: { PATH: processEnv().PATH ?? "" },
  });
  started.stdin?.on("error", () => undefined);
  // Neither the process nor its pipe keeps this worker alive: the worker's exit is what it waits for.
  started.unref();
  (started.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  reaper = started;
  return started;
}

/** From now until `forgetGroup`, the process group `pgid` ends when this process dies. */
export function guardGroup(pgid: number, graceMs: number): void {
  liveReaper(graceMs).stdin?.write(`+${pgid}\n`);
}

export function forgetGroup(pgid: number): void {
  if (reaper?.stdin?.writable) reaper.stdin.write(`-${pgid}\n`);
}
