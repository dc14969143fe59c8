import { withStranger } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";

const setup = withStranger();

describe("Logs on GitHub: writes paid by use", () => {
  const writes = (): number => {
    const { byMethod } = setup().emulator.stats();
    return (byMethod.POST ?? 0) + (byMethod.PATCH ?? 0) + (byMethod.PUT ?? 0) + (byMethod.DELETE ?? 0);
  };

  /** Writes from claim to outcome of one task; `log` runs between claim and completion. */
  async function writesOfTask(log: (taskId: string, token: number) => Promise<void>): Promise<number> {
    const { store } = setup();
    const task = await store.createTask(taskInput(), "operator:test");
    const before = writes();
    const [claim] = await store.claimTasks({ workerId: "w-1", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("claim must succeed");
    await log(task.id, claim.lock.token);
    await store.completeTask(task.id, claim.lock.token, { result: { ok: true } });
    return writes() - before;
  }

  it("a task whose only batch is its final one writes it with its outcome; a longer one pays per flush", async () => {
    const { store } = setup();
    await store.registerWorker(registration("w-1"));
    const silent = await writesOfTask(async () => undefined);
    const batch = { lines: [{ level: "info" as const, message: "did it" }], progress: { fraction: 1, message: null } };
    const short = await writesOfTask((taskId, token) => store.appendTaskLog(taskId, token, batch, { final: true }));
    const long = await writesOfTask(async (taskId, token) => {
      await store.appendTaskLog(taskId, token, batch);
      await store.appendTaskLog(taskId, token, batch);
      await store.appendTaskLog(taskId, token, batch, { final: true });
    });
    expect(silent).toBe(3);
    expect(short).toBe(silent);
    // The Logs comment (POST), one PATCH per later flush, the final one included.
    expect(long).toBe(silent + 3);
  });
});
