import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { waitFor } from "@sentinel/test-support";
import { killAllProcesses, REPO_ROOT } from "@sentinel/test-support/processes";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.js";
import { createTestCluster, spawnWorker } from "../multiprocess/worker-process.js";

const run = promisify(execFile);
afterEach(killAllProcesses);

async function sentinel(dbPath: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["packages/coordination/bin/sentinel.mjs", "--db", dbPath, ...args],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs the CLI and parses its `--json` output; `T` names the fields the caller reads. */
async function json<T = unknown>(dbPath: string, ...args: string[]): Promise<T> {
  const result = await sentinel(dbPath, ...args);
  if (result.code !== 0) throw new Error(`sentinel ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

describe("sentinel CLI (real process, --json)", () => {
  it("creates and lists tasks, and shows workers and locks by the store's clock", async () => {
    const cluster = await createTestCluster();
    const created = await sentinel(
      cluster.dbPath,
      "task",
      "create",
      "sleep",
      "--params",
      // The sleep cap: it starts after this test started, so it cannot end within the test's
      // 60 s timeout and the cancel below always finds it running, however slow the machine.
      '{"ms":60000}',
      "--priority",
      "5",
      "--max-attempts",
      "2",
      "--json",
    );
    expect(created.code).toBe(0);
    const task = JSON.parse(created.stdout);
    expect(task).toMatchObject({ type: "sleep", priority: 5, maxAttempts: 2, params: { ms: 60000 }, state: "queued" });

    const listed = await json<Array<{ id: string }>>(cluster.dbPath, "task", "list", "--state", "queued", "--json");
    expect(listed.map((t) => t.id)).toEqual([task.id]);

    spawnWorker({ id: "cli-worker", env: { ...cluster.env, WORKER_MAX_TASKS: "2" } });
    await waitFor(async () => (await json<unknown[]>(cluster.dbPath, "locks", "--json")).length === 1, {
      timeoutMs: 30_000,
      intervalMs: 200,
    });

    const workers = await json<Array<{ state: string; heartbeatAgeMs: number }>>(cluster.dbPath, "workers", "--json");
    expect(workers).toHaveLength(1);
    expect(workers[0]).toMatchObject({ id: "cli-worker", maxConcurrency: 2, leaseLive: true });
    expect(["ACTIVE", "BUSY"]).toContain(workers[0]?.state);
    expect(workers[0]?.heartbeatAgeMs).toBeGreaterThanOrEqual(0);
    expect(workers[0]?.heartbeatAgeMs).toBeLessThan(2000);

    const locks = await json<Array<{ expiresInMs: number }>>(cluster.dbPath, "locks", "--json");
    expect(locks[0]).toMatchObject({ taskId: task.id, ownerId: "cli-worker", token: expect.any(Number) });
    expect(locks[0]?.expiresInMs).toBeGreaterThan(0);

    const beats = await json<unknown[]>(cluster.dbPath, "heartbeats", "--json");
    expect(beats[0]).toMatchObject({ workerId: "cli-worker", staleCandidate: false, leaseLive: true });
    expect(await json(cluster.dbPath, "stale", "--json")).toEqual([]);

    const shown = await json(cluster.dbPath, "task", "show", task.id, "--json");
    expect(shown).toMatchObject({ id: task.id, state: "running", workerId: "cli-worker" });

    const table = await sentinel(cluster.dbPath, "workers");
    expect(table.stdout).toMatch(/^WORKER\s+STATE\s+TASKS/);
    expect(table.stdout).toContain("cli-worker");

    const cancelled = await json<{ state: string }>(cluster.dbPath, "task", "cancel", task.id, "--json");
    expect(cancelled.state).toBe("cancelled");
    expect((await json<{ state: string }>(cluster.dbPath, "task", "retry", task.id, "--json")).state).toBe("queued");

    const demo = await json<{ created: number }>(cluster.dbPath, "demo", "--count", "12", "--json");
    expect(demo.created).toBe(12);
  }, 60_000);

  it("bad arguments: one line naming the argument, exit code 2", async () => {
    const cluster = await createTestCluster();
    const cases: Array<[string[], RegExp]> = [
      [["task", "create", "echo", "--priority", "high"], /--priority expects an integer -100\.\.100, got "high"/],
      [["task", "create", "echo", "--params", "{oops"], /--params expects JSON/],
      [["task", "create", "Bad Type"], /invalid type/],
      [
        ["task", "create", "echo", "--params", `${'{"a":'.repeat(4_000)}1${"}".repeat(4_000)}`],
        /invalid params: expected JSON nested at most 64 levels deep \(limit jsonDepth\)/,
      ],
      [["task", "list", "--state", "running,sleeping"], /--state expects/],
      [["task", "show", "t_missing"], /task t_missing not found/],
      [["demo", "--count", "0"], /--count expects an integer 1\.\.10000/],
      [["wrokers"], /unknown command 'wrokers'/],
    ];
    for (const [args, message] of cases) {
      const errors: string[] = [];
      const code = await runCli(["--db", cluster.dbPath, ...args], {
        out: () => undefined,
        err: (t) => errors.push(t),
        env: {},
        cwd: cluster.dir,
      });
      expect(code, args.join(" ")).toBe(2);
      expect(errors.join("\n").split("\n")).toHaveLength(1);
      expect(errors[0]).toMatch(message);
    }
    // And the same contract from a real process.
    const real = await sentinel(cluster.dbPath, "task", "create", "echo", "--max-attempts", "0");
    expect(real.code).toBe(2);
    expect(real.stderr.trim()).toBe(
      "sentinel: option '--max-attempts <n>' argument '0' is invalid. --max-attempts expects an integer 1..100, got 0",
    );
  }, 60_000);
});
