import { newTaskSchema } from "@sentinel/coordination";
import { waitFor } from "@sentinel/test-support";
import { closedAfterEach, fastStoreOptions, TOKENS } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { controlPlanesPerTest } from "./github-control-plane.js";

const opened = closedAfterEach();
const startControlPlane = controlPlanesPerTest();

const REGISTRATION = {
  id: "w-1",
  hostname: "history-host",
  pid: 1,
  version: "test",
  maxConcurrency: 1,
  supportedTaskTypes: ["demo"],
  cpuCores: 1,
  memoryMb: 256,
  labels: {},
  heartbeatIntervalMs: 1000,
  leaseMs: 600_000_000,
  healthUrl: null,
};

describe("a new control plane on a GitHub repository with history", () => {
  it("lists tasks that finished before the store's history horizon (its event log starts there)", async () => {
    const emulator = await opened.emulator();
    const worker = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await worker.registerWorker(REGISTRATION);
    const old = await worker.createTask(newTaskSchema.parse({ type: "demo" }), "operator:test");
    const [claimed] = await worker.claimTasks({
      workerId: "w-1",
      taskIds: [old.id],
      metadata: { hostname: "history-host", pid: 1 },
    });
    await worker.completeTask(old.id, claimed?.lock.token ?? -1, { result: "long ago" });
    // Two hours on, the worker still beating: the finished task is older than the 1 h window.
    emulator.clock.setOffset(emulator.clock.offsetMs() + 2 * 3_600_000);
    await worker.heartbeat("w-1", { activeTasks: 0 });
    const recent = await worker.createTask(newTaskSchema.parse({ type: "demo" }), "operator:test");

    const store = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    expect((await store.readEvents(0, 1000)).some((event) => event.taskId === old.id)).toBe(false);
    const viewer = startControlPlane(store, "history");
    const listed = await waitFor(
      async () => {
        const page = await viewer.tasks.list({});
        return page.items.length === 2 ? page.items : null;
      },
      { timeoutMs: 10_000, what: "both tasks in the cache" },
    );
    expect(listed.map((task) => [task.id, task.state]).sort()).toEqual(
      [
        [old.id, "succeeded"],
        [recent.id, "queued"],
      ].sort(),
    );
  });
});
