import { join } from "node:path";
import { tempDir, waitFor } from "@sentinel/test-support";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.js";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import type { CoordinationStore } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";

async function runningTask(dbPath: string) {
  // Through the port, as a worker writes: the attempt's last batch is marked final.
  const store: CoordinationStore = openSqliteStore({ path: dbPath });
  await store.registerWorker(registration("w-logs"));
  const task = await store.createTask(taskInput(), "operator:test");
  const [claim] = await store.claimTasks({ workerId: "w-logs", taskIds: [task.id], metadata: claimMeta });
  if (!claim) throw new Error("the claim must succeed");
  return { store, task, token: claim.lock.token };
}

describe("sentinel task logs", () => {
  it("prints the kept lines and progress, --tail and --json; an unknown id is a usage error", async () => {
    const dbPath = join(tempDir("sentinel-logs-cli").path, "store.db");
    const { store, task, token } = await runningTask(dbPath);
    await store.appendTaskLog(task.id, token, {
      lines: [
        { level: "info", message: "starting", fields: { rows: 3 } },
        { level: "warn", message: "slow disk" },
        { level: "error", message: "row 2 failed" },
      ],
      progress: { fraction: 0.25, message: "1 of 4" },
    });
    const out: string[] = [];
    expect(await runCli(["--db", dbPath, "task", "logs", task.id], { out: (t) => out.push(t), env: {} })).toBe(0);
    expect(out).toHaveLength(4);
    expect(out[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z #1 info {2}starting \{"rows":3\}$/);
    expect(out.slice(1)).toEqual([
      expect.stringMatching(/ #1 warn {2}slow disk$/),
      expect.stringMatching(/ #1 error row 2 failed$/),
      "progress 25 % 1 of 4",
    ]);

    const tail: string[] = [];
    await runCli(["--db", dbPath, "task", "logs", task.id, "--tail", "1"], { out: (t) => tail.push(t), env: {} });
    expect(tail[0]).toMatch(/row 2 failed$/);
    expect(tail).toHaveLength(2);

    const json: string[] = [];
    await runCli(["--db", dbPath, "--json", "task", "logs", task.id], { out: (t) => json.push(t), env: {} });
    const parsed = JSON.parse(json.join("\n"));
    expect(parsed).toMatchObject({ taskId: task.id, progress: { fraction: 0.25, message: "1 of 4" }, dropped: 0 });
    expect(parsed.lines.map((l: { message: string }) => l.message)).toEqual(["starting", "slow disk", "row 2 failed"]);

    const err: string[] = [];
    expect(await runCli(["--db", dbPath, "task", "logs", "no-such-task"], { err: (t) => err.push(t), env: {} })).toBe(
      2,
    );
    expect(err.join("\n")).toMatch(/no-such-task/);
    await store.close();
  });

  it("--follow prints each new line once as the attempt flushes it, and ends when the task finishes", async () => {
    const dbPath = join(tempDir("sentinel-logs-follow").path, "store.db");
    const { store, task, token } = await runningTask(dbPath);
    await store.appendTaskLog(task.id, token, { lines: [{ level: "info", message: "line 1" }] });
    const out: string[] = [];
    let exited: number | null = null;
    const following = runCli(["--db", dbPath, "task", "logs", task.id, "--follow"], {
      out: (t) => out.push(t),
      env: {},
    }).then((code) => {
      exited = code;
    });
    await waitFor(() => out.some((l) => l.endsWith("line 1")), { timeoutMs: 10_000 });
    await store.appendTaskLog(task.id, token, {
      lines: [
        { level: "info", message: "line 2" },
        { level: "info", message: "line 3" },
      ],
      progress: { fraction: 0.5, message: null },
    });
    await waitFor(() => out.some((l) => l.endsWith("line 3")), { timeoutMs: 10_000 });
    expect(exited).toBeNull();
    await store.appendTaskLog(task.id, token, { lines: [{ level: "info", message: "line 4" }] }, { final: true });
    await store.completeTask(task.id, token, { result: { ok: true } });
    await following;
    expect(exited).toBe(0);
    const messages = out.filter((l) => / #1 info /.test(l)).map((l) => l.split(" info  ")[1]);
    expect(messages).toEqual(["line 1", "line 2", "line 3", "line 4"]);
    expect(out).toContain("progress 50 %");
    expect(out.at(-1)).toBe(`task ${task.id} succeeded`);
    await store.close();
  });
});
