import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openSqliteStore } from "@sentinel/coordination/sqlite";
import { afterEach, describe, expect, it } from "vitest";

const TSX = resolve("node_modules/.bin/tsx");
const HAMMER = resolve("packages/coordination/test/store/fixtures/hammer.ts");

interface Running {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function startHammer(path: string, workerId: string, count: number, busyTimeoutMs: number): Running {
  const child = spawn(TSX, [HAMMER, path, workerId, String(count), String(busyTimeoutMs)], {
    shell: false,
    stdio: "pipe",
  });
  let stdout = "";
  let stderr = "";
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith("ready\n")) signalReady();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, ready, done };
}

describe("sqlite store shared by several OS processes", () => {
  const dirs: string[] = [];
  const children: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("migrates a fresh file from two processes at once and completes every task exactly once without SQLITE_BUSY", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sentinel-procs-"));
    dirs.push(dir);
    const path = join(dir, "shared.db");
    const perProcess = 150;
    // A short busy_timeout forces contention through the jittered retry path, not only SQLite's own wait.
    const runs = [startHammer(path, "proc-a", perProcess, 20), startHammer(path, "proc-b", perProcess, 20)];
    children.push(...runs.map((r) => r.child));
    await Promise.all(runs.map((r) => r.ready));
    for (const r of runs) r.child.stdin.end("go\n");
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) expect(r.stderr, r.stderr).not.toMatch(/SQLITE_BUSY|Error/);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const summaries = results.map(
      (r) => JSON.parse(r.stdout.split("\n").filter(Boolean).at(-1) ?? "{}") as { completed: number },
    );
    expect(summaries.reduce((sum, s) => sum + s.completed, 0)).toBe(2 * perProcess);

    const store = openSqliteStore({ path });
    try {
      const succeeded = [];
      let cursor: string | null = null;
      do {
        const page = await store.listTasks({ limit: 500, cursor });
        succeeded.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(succeeded).toHaveLength(2 * perProcess);
      for (const task of succeeded) expect(task).toMatchObject({ state: "succeeded", attempts: 1 });
      const events = await store.readEvents(0, 10_000);
      expect(events.filter((e) => e.kind === "task.succeeded")).toHaveLength(2 * perProcess);
      expect(events.filter((e) => e.kind === "lock.acquired")).toHaveLength(2 * perProcess);
      expect((await store.memoryGet("swarm/progress/proc-a"))?.writerId).toBe("proc-a");
    } finally {
      await store.close();
    }
  }, 60_000);
});
