import { waitFor } from "@sentinel/test-support";
import { killAllProcesses } from "@sentinel/test-support/processes";
import { afterEach, describe, expect, it } from "vitest";
import { taskInput } from "../../src/store/contract/harness.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { readAllEvents } from "./invariants.js";
import { createTestCluster, spawnWorker } from "./worker-process.js";

afterEach(killAllProcesses);

describe("SIGTERM", () => {
  it("finishes the running task, takes no new one, ends REMOVED and exits 0", async () => {
    const cluster = await createTestCluster();
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      const worker = spawnWorker({ id: "graceful", env: { ...cluster.env, WORKER_MAX_TASKS: "1" } });
      await waitFor(async () => (await store.getWorker("graceful"))?.state === "ACTIVE", 30_000);
      const slow = await store.createTask(
        taskInput({ type: "sleep", params: { ms: 1200 }, timeoutMs: 60_000 }),
        "test",
      );
      await waitFor(async () => (await store.getTask(slow.id))?.state === "running", 10_000);
      const waiting = await store.createTask(taskInput({ type: "echo", timeoutMs: 60_000 }), "test");

      worker.child.kill("SIGTERM");
      await waitFor(async () => (await store.getWorker("graceful"))?.state === "DRAINING", 5000);
      expect(await worker.exited).toBe(0);

      expect(await store.getTask(slow.id)).toMatchObject({
        state: "succeeded",
        workerId: "graceful",
        result: { slept: 1200 },
      });
      expect(await store.getTask(waiting.id)).toMatchObject({ state: "queued", attempts: 0 });
      expect((await store.getWorker("graceful"))?.state).toBe("REMOVED");
      expect(await store.listLocks()).toHaveLength(0);
      const states = (await readAllEvents(store))
        .filter((e) => e.kind === "worker.state_changed" && e.workerId === "graceful")
        .map((e) => e.data.to);
      expect(states).toContain("DRAINING");
      expect(states.at(-1)).toBe("REMOVED");
      expect(worker.lines.some((l) => l.action === "shutdown" && l.result === "draining")).toBe(true);
    } finally {
      await store.close();
    }
  }, 60_000);
});
