import { waitFor } from "@sentinel/test-support";
import { killAllProcesses } from "@sentinel/test-support/processes";
import { afterEach, describe, expect, it } from "vitest";
import type { StoreEvent } from "../../src/domain/events.js";
import { taskInput } from "../../src/store/contract/harness.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { readAllEvents } from "./invariants.js";
import { createTestCluster, spawnWorker } from "./worker-process.js";

afterEach(killAllProcesses);

/** A stale threshold a loaded machine's heartbeats keep to: only the SIGKILLed worker may lapse. */
const TOLERANT_ENV = { WORKER_MAX_TASKS: "4", STALE_WORKER_THRESHOLD_MS: "4000" };

describe("dependencies honoured across a worker crash", () => {
  it("a dependent runs only after its retried dependency succeeded, and a dependent of a task that died with the worker is cancelled", async () => {
    // `deps` answers with what the worker handed it about its dependencies (SENTINEL_DEPENDENCIES).
    const cluster = await createTestCluster({
      deps: { command: ["/bin/sh", "-c", 'printf \'{"dependencies":%s}\' "$SENTINEL_DEPENDENCIES"'] },
    });
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      // The victim starts alone, so both dependencies run on it when it is killed.
      const victim = spawnWorker({ id: "dep-victim", env: { ...cluster.env, ...TOLERANT_ENV } });
      await waitFor(async () => (await store.getWorker("dep-victim"))?.state === "ACTIVE", 90_000);
      // Long enough that the victim is killed mid-attempt however slowly the survivor starts.
      const slow = { type: "sleep", params: { ms: 15_000 }, timeoutMs: 120_000 };
      const retried = await store.createTask(taskInput({ ...slow, maxAttempts: 3 }), "test");
      const single = await store.createTask(taskInput({ ...slow, maxAttempts: 1 }), "test");
      const waits = await store.createTask(taskInput({ type: "deps", dependsOn: [retried.id] }), "test");
      const doomed = await store.createTask(taskInput({ type: "echo", dependsOn: [single.id] }), "test");
      await waitFor(async () => {
        const running = (await store.listTasks({ states: ["running"] })).items.map((t) => t.id);
        return running.includes(retried.id) && running.includes(single.id);
      }, 30_000);

      const survivor = spawnWorker({ id: "dep-survivor", env: { ...cluster.env, ...TOLERANT_ENV } });
      await waitFor(async () => (await store.getWorker("dep-survivor"))?.state === "ACTIVE", 90_000);
      expect((await store.listTasks({ states: ["running"] })).items.map((t) => t.workerId)).toEqual([
        "dep-victim",
        "dep-victim",
      ]);
      victim.child.kill("SIGKILL");
      await victim.exited;

      await waitFor(
        async () =>
          (await store.getTask(waits.id))?.state === "succeeded" &&
          (await store.getTask(doomed.id))?.state === "cancelled",
        { timeoutMs: 150_000, intervalMs: 100 },
      );
      expect((await store.getTask(retried.id))?.state).toBe("succeeded");
      expect((await store.getTask(single.id))?.state).toBe("dead");

      // From the store's own history.
      const events = await readAllEvents(store);
      const of = (taskId: string, kind: StoreEvent["kind"]) =>
        events.filter((e) => e.taskId === taskId && e.kind === kind);
      // The dependency ran twice (the killed attempt, then the retry on the survivor)...
      expect(of(retried.id, "task.started").map((e) => e.workerId)).toEqual(["dep-victim", "dep-survivor"]);
      const succeeded = of(retried.id, "task.succeeded");
      expect(succeeded).toHaveLength(1);
      // ...and its dependent started once, after the retried dependency's success.
      const starts = of(waits.id, "task.started");
      expect(starts).toHaveLength(1);
      expect(starts[0]?.id).toBeGreaterThan(succeeded[0]?.id ?? Number.POSITIVE_INFINITY);
      // The dependency that died with the worker cancelled its dependent, which never started.
      const died = of(single.id, "task.dead");
      expect(died).toHaveLength(1);
      const cancelled = of(doomed.id, "task.cancelled");
      expect(cancelled).toHaveLength(1);
      expect(cancelled[0]?.data).toMatchObject({ reason: `dependency ${single.id} ended dead`, dependency: single.id });
      expect(cancelled[0]?.id).toBeGreaterThan(died[0]?.id ?? Number.POSITIVE_INFINITY);
      expect(of(doomed.id, "task.started")).toEqual([]);
      // The dependent's handler saw its dependency's result.
      expect((await store.getTask(waits.id))?.result).toEqual({
        dependencies: [
          { id: retried.id, type: "sleep", state: "succeeded", result: { slept: 15_000 }, resultOmitted: false },
        ],
      });

      survivor.child.kill("SIGTERM");
      expect(await survivor.exited).toBe(0);
    } finally {
      await store.close();
    }
  }, 300_000);
});
