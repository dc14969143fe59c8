import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCluster, killAllWorkers, REPO_ROOT, spawnWorker, waitFor } from "../multiprocess/worker-process.js";

const run = promisify(execFile);
afterEach(killAllWorkers);

async function sentinel(dbPath: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "packages/coordination/src/cli/main.ts", "--db", dbPath, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("sentinel CLI (real process, --json)", () => {
  it("creates and lists tasks, and shows workers and locks by the store's clock", async () => {
    const cluster = await createTestCluster();
    const created = await sentinel(cluster.dbPath, "task", "create", "sleep", "--params", '{"ms":4000}', "--priority", "5", "--max-attempts", "2", "--json");
    expect(created.code).toBe(0);
    const task = JSON.parse(created.stdout);
    expect(task).toMatchObject({ type: "sleep", priority: 5, maxAttempts: 2, params: { ms: 4000 }, state: "queued" });

    const listed = JSON.parse((await sentinel(cluster.dbPath, "task", "list", "--state", "queued", "--json")).stdout);
    expect(listed.map((t: { id: string }) => t.id)).toEqual([task.id]);

    spawnWorker({ id: "cli-worker", env: { ...cluster.env, WORKER_MAX_TASKS: "2" } });
    await waitFor(async () => JSON.parse((await sentinel(cluster.dbPath, "locks", "--json")).stdout).length === 1, 30_000, 200);

    const workers = JSON.parse((await sentinel(cluster.dbPath, "workers", "--json")).stdout);
    expect(workers).toHaveLength(1);
    expect(workers[0]).toMatchObject({ id: "cli-worker", maxConcurrency: 2, leaseLive: true });
    expect(["ACTIVE", "BUSY"]).toContain(workers[0].state);
    expect(workers[0].heartbeatAgeMs).toBeGreaterThanOrEqual(0);
    expect(workers[0].heartbeatAgeMs).toBeLessThan(2000);

    const locks = JSON.parse((await sentinel(cluster.dbPath, "locks", "--json")).stdout);
    expect(locks[0]).toMatchObject({ taskId: task.id, ownerId: "cli-worker", token: expect.any(Number) });
    expect(locks[0].expiresInMs).toBeGreaterThan(0);

    const beats = JSON.parse((await sentinel(cluster.dbPath, "heartbeats", "--json")).stdout);
    expect(beats[0]).toMatchObject({ workerId: "cli-worker", staleCandidate: false, leaseLive: true });
    expect(JSON.parse((await sentinel(cluster.dbPath, "stale", "--json")).stdout)).toEqual([]);

    const shown = JSON.parse((await sentinel(cluster.dbPath, "task", "show", task.id, "--json")).stdout);
    expect(shown).toMatchObject({ id: task.id, state: "running", workerId: "cli-worker" });

    const table = await sentinel(cluster.dbPath, "workers");
    expect(table.stdout).toMatch(/^WORKER\s+STATE\s+TASKS/);
    expect(table.stdout).toContain("cli-worker");

    const cancelled = JSON.parse((await sentinel(cluster.dbPath, "task", "cancel", task.id, "--json")).stdout);
    expect(cancelled.state).toBe("cancelled");
    expect(JSON.parse((await sentinel(cluster.dbPath, "task", "retry", task.id, "--json")).stdout).state).toBe("queued");

    const demo = JSON.parse((await sentinel(cluster.dbPath, "demo", "--count", "12", "--json")).stdout);
    expect(demo.created).toBe(12);
  }, 60_000);

  it("bad arguments: one line naming the argument, exit code 2", async () => {
    const cluster = await createTestCluster();
    const cases: Array<[string[], RegExp]> = [
      [["task", "create", "echo", "--priority", "high"], /--priority expects an integer -100\.\.100, got "high"/],
      [["task", "create", "echo", "--params", "{oops"], /--params expects JSON/],
      [["task", "create", "Bad Type"], /invalid type/],
      [["task", "list", "--state", "running,sleeping"], /--state expects/],
      [["task", "show", "t_missing"], /task t_missing not found/],
      [["demo", "--count", "0"], /--count expects an integer 1\.\.10000/],
      [["wrokers"], /unknown command 'wrokers'/],
    ];
    for (const [args, message] of cases) {
      const result = await sentinel(cluster.dbPath, ...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
  }, 60_000);
});
