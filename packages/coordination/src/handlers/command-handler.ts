import { spawn } from "node:child_process";
import type { CommandHandlerSpec } from "../config/schema.js";
import { processEnv } from "../env.js";
import { ensureReaper, forgetGroup, guardGroup, REAPER_MARK_VARIABLE } from "./group-reaper.js";
import { captureOutput } from "./output-lines.js";
import type { HandlerDefinition } from "./task-handler.js";
import { CommandFailedError } from "./unrecoverable-error.js";

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
const STDERR_TAIL_BYTES = 2048;
/** Time between SIGTERM and SIGKILL when a command overstays its timeout or is aborted. */
export const KILL_GRACE_MS = 2000;

/** Variables a command inherits from the worker; the rest (tokens, secrets) stays out. */
const INHERITED_ENV = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER", "SHELL"];

export interface CommandHandlerOptions {
  killGraceMs?: number;
}

/**
 * Runs the configured argv with `shell: false`: the command line comes only from the
 * worker's config, and the task's params travel as data (JSON on stdin and in
 * SENTINEL_TASK_PARAMS), so nothing a task author writes is ever parsed by a shell.
 * stdout is the result (parsed as JSON when it is JSON, else text, bounded in size). Both
 * streams are also kept line by line in the task's log, and a stderr line
 * `SENTINEL_PROGRESS <fraction> [message]` reports progress (output-lines.ts).
 *
 * The command leads a process group of its own: a stop (timeout, abort, lost lease) signals
 * the whole group, whatever the command started ends with it, and the worker's reaper
 * (group-reaper.mjs) ends the group if this worker dies, SIGKILL included.
 */
export function createCommandHandler(spec: CommandHandlerSpec, opts: CommandHandlerOptions = {}): HandlerDefinition {
  const [file, ...args] = spec.command as [string, ...string[]];
  const maxOutput = spec.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const killGraceMs = opts.killGraceMs ?? KILL_GRACE_MS;

  return {
    run: ({ task, params, attempt, fencingToken, dependencies, signal, log, progress }) =>
      new Promise((resolveRun, rejectRun) => {
        const paramsJson = JSON.stringify(params ?? null);
        const env: NodeJS.ProcessEnv = {};
        const parent = processEnv();
        for (const name of INHERITED_ENV) if (parent[name] !== undefined) env[name] = parent[name];
        Object.assign(env, spec.env, {
          [REAPER_MARK_VARIABLE]: ensureReaper(killGraceMs),
          SENTINEL_TASK_ID: task.id,
          SENTINEL_TASK_TYPE: task.type,
          SENTINEL_ATTEMPT: String(attempt),
          SENTINEL_FENCING_TOKEN: String(fencingToken),
          SENTINEL_TASK_PARAMS: paramsJson,
          // Bounded by DEPENDENCY_RESULT_CHARS each (dependency-results.ts); "[]" without any.
          SENTINEL_DEPENDENCIES: JSON.stringify(dependencies),
        });

        const child = spawn(file, args, {
          shell: false,
          cwd: spec.cwd,
          env,
          stdio: ["pipe", "pipe", "pipe"],
          detached: true,
        });
        const group = child.pid;
        if (group !== undefined) guardGroup(group);
        const signalGroup = (name: NodeJS.Signals) => {
          if (group === undefined) return;
          try {
            process.kill(-group, name);
          } catch {
            // The group has already gone.
          }
        };
        const lines = captureOutput({ log, progress });
        const stdout: Buffer[] = [];
        let stdoutBytes = 0;
        let truncated = false;
        let stderrTail = Buffer.alloc(0);
        let stopReason: string | null = null;
        let killTimer: NodeJS.Timeout | undefined;

        const stop = (reason: string) => {
          if (stopReason !== null) return;
          stopReason = reason;
          signalGroup("SIGTERM");
          killTimer = setTimeout(() => signalGroup("SIGKILL"), killGraceMs);
          killTimer.unref();
        };
        const timeout = spec.timeoutMs
          ? setTimeout(() => stop(`timed out after ${spec.timeoutMs} ms`), spec.timeoutMs)
          : undefined;
        const onAbort = () => stop(`aborted (${String(signal.reason ?? "signal")})`);
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });

        child.stdout.on("data", (chunk: Buffer) => {
          lines.stdout.push(chunk);
          const room = maxOutput - stdoutBytes;
          if (room <= 0) {
            truncated = true;
            return;
          }
          if (chunk.length > room) truncated = true;
          const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
          stdout.push(kept);
          stdoutBytes += kept.length;
        });
        child.stderr.on("data", (chunk: Buffer) => {
          lines.stderr.push(chunk);
          const joined = Buffer.concat([stderrTail, chunk]);
          stderrTail = joined.subarray(Math.max(0, joined.length - STDERR_TAIL_BYTES));
        });
        // A command that exits without reading stdin closes the pipe under us; that is its choice.
        child.stdin.on("error", () => undefined);
        child.stdin.end(paramsJson);

        const cleanup = () => {
          clearTimeout(timeout);
          clearTimeout(killTimer);
          signal.removeEventListener("abort", onAbort);
          // Whatever the command left running in its group ends with it.
          signalGroup("SIGKILL");
          if (group !== undefined) forgetGroup(group);
        };
        child.on("error", (err) => {
          cleanup();
          rejectRun(new CommandFailedError(null, null, "", `could not start ${file}: ${err.message}`));
        });
        child.on("close", (code, signalName) => {
          cleanup();
          lines.stdout.end();
          lines.stderr.end();
          const tail = stderrTail.toString("utf8").trim();
          if (stopReason !== null) {
            rejectRun(new CommandFailedError(code, signalName, tail, `${file} ${stopReason}`));
          } else if (code !== 0) {
            rejectRun(
              new CommandFailedError(
                code,
                signalName,
                tail,
                signalName ? `${file} killed by ${signalName}` : `${file} exited with code ${code}`,
              ),
            );
          } else {
            resolveRun(parseOutput(Buffer.concat(stdout).toString("utf8"), truncated));
          }
        });
      }),
  };
}

function parseOutput(text: string, truncated: boolean): unknown {
  if (truncated) return { stdout: text, truncated: true };
  const trimmed = text.trim();
  if (trimmed === "") return null;
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
}
