import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";

const REAPER = fileURLToPath(new URL("./group-reaper.mjs", import.meta.url));

/**
 * Put in every command handler's environment: after this worker dies, the reaper also ends
 * any process carrying it (Linux /proc), which covers a handler started in the instant
 * before its group could be reported (spawn() returns only after the child runs).
 */
export const REAPER_MARK_VARIABLE = "SENTINEL_HANDLER_OF";
const mark = `${process.pid}-${randomBytes(8).toString("hex")}`;

let reaper: ChildProcess | null = null;

/**
 * The worker's reaper (see group-reaper.mjs), started before the first handler and replaced
 * if it has died. Returns this worker's mark for the handler's environment.
 */
export function ensureReaper(graceMs: number): string {
  if (reaper && reaper.exitCode === null && reaper.signalCode === null && reaper.stdin?.writable) return mark;
  const started = spawn(process.execPath, [REAPER, String(graceMs), mark], {
    detached: true,
    stdio: ["pipe", "ignore", "inherit"],
    env: { PATH: process.env.PATH ?? "" },
  });
  started.on("error", () => undefined);
  started.stdin?.on("error", () => undefined);
  // Neither the process nor its pipe keeps this worker alive: the worker's exit is what it waits for.
  started.unref();
  (started.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  reaper = started;
  return mark;
}

/** From now until `forgetGroup`, the process group `pgid` ends when this process dies. */
export function guardGroup(pgid: number): void {
  if (reaper?.stdin?.writable) reaper.stdin.write(`+${pgid}\n`);
}

export function forgetGroup(pgid: number): void {
  if (reaper?.stdin?.writable) reaper.stdin.write(`-${pgid}\n`);
}
