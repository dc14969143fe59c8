import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "@sentinel/test-support";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/domain/limits.js";
import type { TaskLogBatch } from "../../src/domain/task-log.js";
import { createCommandHandler } from "../../src/handlers/command-handler.js";
import { CommandFailedError } from "../../src/handlers/unrecoverable-error.js";
import { TaskLogRecorder } from "../../src/runtime/task-log-recorder.js";
import { fakeTask, noMemory, silentLog } from "./fixtures.js";

const NODE = process.execPath;

function run(
  command: string[],
  params: unknown,
  opts: {
    signal?: AbortSignal;
    timeoutMs?: number;
    env?: Record<string, string>;
    maxOutputBytes?: number;
    taskLog?: TaskLogRecorder;
  } = {},
) {
  const taskLog = opts.taskLog ?? recorder([]);
  const handler = createCommandHandler(
    {
      command,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.maxOutputBytes ? { maxOutputBytes: opts.maxOutputBytes } : {}),
    },
    { killGraceMs: 200 },
  );
  return handler.run({
    task: fakeTask({ params }),
    params,
    attempt: 2,
    fencingToken: 41,
    signal: opts.signal ?? new AbortController().signal,
    memory: noMemory,
    dependencies: [],
    log: taskLog.log,
    progress: taskLog.progress,
    logger: silentLog,
  });
}

/** The recorder a worker gives each attempt, writing its batches to `batches` instead of a store. */
function recorder(batches: TaskLogBatch[]): TaskLogRecorder {
  return new TaskLogRecorder({
    write: async (batch) => {
      batches.push(batch);
    },
    flushMs: 50,
    onError: (error) => {
      throw error;
    },
  });
}

/** A script that reports exactly what it received: stdin, argv and the SENTINEL_* environment. */
const REPORT = `
let input = ""; process.stdin.on("data", (c) => (input += c)); process.stdin.on("end", () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("SENTINEL_") || k === "GITHUB_TOKEN" || k === "EXTRA"));
  process.stdout.write(JSON.stringify({ stdin: input, argv: process.argv.slice(1), env }));
});`;

describe("command handler", () => {
  it("passes params verbatim on stdin and in SENTINEL_TASK_PARAMS, never through a shell", async () => {
    const dir = tempDir("sentinel-runtime").path;
    const marker = join(dir, "pwned");
    const params = {
      name: '"; rm -rf / #',
      sub: `$(touch ${marker})`,
      tick: `\`touch ${marker}\``,
      semi: `a; touch ${marker}`,
    };
    process.env.GITHUB_TOKEN = "ghp_must_not_leak";
    try {
      const result = (await run([NODE, "-e", REPORT, "fixed-arg"], params, { env: { EXTRA: "from-config" } })) as {
        stdin: string;
        argv: string[];
        env: Record<string, string>;
      };
      expect(JSON.parse(result.stdin)).toEqual(params);
      expect(JSON.parse(result.env.SENTINEL_TASK_PARAMS as string)).toEqual(params);
      expect(result.argv).toEqual(["fixed-arg"]);
      expect(result.env).toMatchObject({
        SENTINEL_TASK_ID: "t_test1",
        SENTINEL_TASK_TYPE: "run",
        SENTINEL_ATTEMPT: "2",
        SENTINEL_FENCING_TOKEN: "41",
        EXTRA: "from-config",
      });
      expect(result.env.GITHUB_TOKEN).toBeUndefined();
    } finally {
      delete process.env.GITHUB_TOKEN;
    }
    expect(existsSync(marker)).toBe(false);
  });

  it("even a configured /bin/sh only ever sees params as data", async () => {
    const dir = tempDir("sentinel-runtime").path;
    const marker = join(dir, "pwned");
    const out = join(dir, "out.txt");
    // The config's script quotes the variable; the task's text is expanded once as a value, never re-parsed.
    await run(["/bin/sh", "-c", `printf '%s' "$SENTINEL_TASK_PARAMS" > "${out}"`], { x: `$(touch ${marker})` });
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({ x: `$(touch ${marker})` });
    expect(existsSync(marker)).toBe(false);
  });

  it("returns text when stdout is not JSON, null when empty, and bounds the output", async () => {
    expect(await run([NODE, "-e", "process.stdout.write('plain text\\n')"], {})).toBe("plain text");
    expect(await run([NODE, "-e", ""], {})).toBeNull();
    const big = (await run([NODE, "-e", "process.stdout.write('x'.repeat(5000))"], {}, { maxOutputBytes: 1024 })) as {
      stdout: string;
      truncated: boolean;
    };
    expect(big.truncated).toBe(true);
    expect(big.stdout.length).toBe(1024);
  });

  it("turns a non-zero exit into an error with the exit code and the stderr tail", async () => {
    const err = await run(
      [NODE, "-e", "console.error('x'.repeat(5000) + 'the real reason'); process.exit(3)"],
      {},
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandFailedError);
    expect((err as CommandFailedError).exitCode).toBe(3);
    expect((err as CommandFailedError).message).toContain("exited with code 3");
    expect((err as CommandFailedError).stderrTail).toMatch(/the real reason$/);
    expect((err as CommandFailedError).stderrTail.length).toBeLessThanOrEqual(2048);
  });

  it("stops a command that outlives its timeout", async () => {
    const started = Date.now();
    const err = await run([NODE, "-e", "setInterval(() => {}, 1000)"], {}, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandFailedError);
    expect((err as Error).message).toContain("timed out after 150 ms");
    expect((err as CommandFailedError).signalName).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("escalates to SIGKILL when the command ignores SIGTERM", async () => {
    // The stop is sent once the command has installed its handler: a stop that lands during
    // Node's start-up would end it by SIGTERM and prove nothing about the escalation.
    const ready = join(tempDir("sentinel-runtime").path, "ready");
    const controller = new AbortController();
    const pending = run(
      [
        NODE,
        "-e",
        `process.on('SIGTERM', () => {}); require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000)`,
      ],
      {},
      { signal: controller.signal },
    ).catch((e: unknown) => e);
    while (!existsSync(ready)) await new Promise((r) => setTimeout(r, 20));
    controller.abort("lease lost");
    const err = await pending;
    expect((err as Error).message).toContain("aborted (lease lost)");
    expect((err as CommandFailedError).signalName).toBe("SIGKILL");
  });

  it("honours the abort signal", async () => {
    const controller = new AbortController();
    const pending = run([NODE, "-e", "setInterval(() => {}, 1000)"], {}, { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    setTimeout(() => controller.abort("lease lost"), 100);
    const err = await pending;
    expect((err as Error).message).toContain("aborted (lease lost)");
    expect((err as CommandFailedError).signalName).toBe("SIGTERM");
  });

  it("reports a missing executable", async () => {
    const err = await run(["/nonexistent/bin"], {}).catch((e: unknown) => e);
    expect((err as Error).message).toContain("could not start /nonexistent/bin");
  });

  it("keeps stdout and stderr line by line in the task log, bounded, and reads SENTINEL_PROGRESS lines from stderr", async () => {
    const batches: TaskLogBatch[] = [];
    const taskLog = recorder(batches);
    const script = `
      process.stderr.write("SENTINEL_PROGRESS 0.25 warming up\\n");
      console.log("first out");
      process.stdout.write("split ");
      setTimeout(() => {
        process.stdout.write("line \\u00e9");
        process.stdout.write(Buffer.from([0xe2, 0x82]));
        setTimeout(() => {
          process.stdout.write(Buffer.from([0xac]));
          console.log("");
          console.error("careful: disk almost full");
          console.error("SENTINEL_PROGRESS lots");
          console.log("y".repeat(5000));
          process.stderr.write("SENTINEL_PROGRESS 1 done\\n");
          console.log(JSON.stringify({ ok: true }));
        }, 20);
      }, 20);`;
    const result = await run([NODE, "-e", script], {}, { taskLog });
    await taskLog.close();
    // stdout is still the result, whole (as text: it is not one JSON document).
    expect(String(result).startsWith("first out\nsplit line é€\n")).toBe(true);
    const lines = batches.flatMap((batch) => batch.lines);
    // Two pipes: each stream's lines keep their order, the two interleave as the OS delivers them.
    const of = (level: string) => lines.filter((line) => line.level === level).map((line) => line.message.slice(0, 30));
    expect(of("info")).toEqual(["first out", "split line é€", "y".repeat(30), '{"ok":true}']);
    expect(of("warn")).toEqual(["careful: disk almost full", "ignored a SENTINEL_PROGRESS li"]);
    expect(lines).toHaveLength(6);
    const long = lines.find((line) => line.message.startsWith("yyy"))?.message ?? "";
    expect(long).toHaveLength(LIMITS.logLineChars);
    expect(long.endsWith("…[truncated]")).toBe(true);
    const progress = batches.flatMap((batch) => (batch.progress ? [batch.progress] : []));
    expect(progress.at(-1)).toEqual({ fraction: 1, message: "done" });
    expect(progress.every((p) => p.fraction === 0.25 || p.fraction === 1)).toBe(true);
  });

  it("keeps only the newest lines of a command that floods its output, counting the rest", async () => {
    const batches: TaskLogBatch[] = [];
    const taskLog = recorder(batches);
    await run([NODE, "-e", "for (let i = 0; i < 50000; i++) console.error('line ' + i)"], {}, { taskLog });
    await taskLog.close();
    const lines = batches.flatMap((batch) => batch.lines);
    const dropped = batches.reduce((sum, batch) => sum + (batch.dropped ?? 0), 0);
    expect(lines.length + dropped).toBe(50_000);
    expect(lines.at(-1)?.message).toBe("line 49999");
    for (const batch of batches) expect(batch.lines.length).toBeLessThanOrEqual(LIMITS.taskLogLines);
  });
});
