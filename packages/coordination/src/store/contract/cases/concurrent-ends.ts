import { expect, it } from "vitest";
import { IllegalTransitionError, StaleFencingTokenError } from "../../../errors.js";
import type { CoordinationStore } from "../../port.js";
import { type ContractContext, claimMeta, registration, taskInput } from "../harness.js";

/**
 * Ending one attempt from several processes at once (the holder finishing while monitors
 * fail it for a lapsed lease): exactly one end takes effect, every other caller is told, and
 * the task's state is the winner's. Peers share the backend and — on GitHub — the login.
 */
async function claimedTask(store: CoordinationStore): Promise<{ taskId: string; token: number }> {
  await store.registerWorker(registration("w-a"));
  const task = await store.createTask(taskInput(), "operator:test");
  const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
  if (!claim) throw new Error("a fresh task must be claimable");
  return { taskId: task.id, token: claim.lock.token };
}

function isEndRefusal(error: unknown): boolean {
  return error instanceof StaleFencingTokenError || error instanceof IllegalTransitionError;
}

async function endEvents(store: CoordinationStore, taskId: string, expected: number): Promise<string[]> {
  const kinds = new Set(["task.succeeded", "task.failed", "task.dead"]);
  const deadline = performance.now() + 5000;
  for (;;) {
    const ends = (await store.readEvents(0, 10_000))
      .filter((e) => e.taskId === taskId && kinds.has(e.kind))
      .map((e) => e.kind);
    if (ends.length >= expected || performance.now() > deadline) return ends;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function concurrentEndCases(ctx: ContractContext): void {
  it("several processes failing one attempt at once: exactly one takes effect, the others are refused", async () => {
    const harness = ctx.harness();
    const { taskId, token } = await claimedTask(harness.store);
    const monitors = [harness.store, await harness.openPeer(), await harness.openPeer()];
    const outcomes = await Promise.allSettled(
      monitors.map((store, i) =>
        store.failTask(taskId, token, { message: `monitor ${i}: owner lapsed`, retryable: true, retryDelayMs: 0 }),
      ),
    );
    const won = outcomes.filter((o) => o.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const o of outcomes) if (o.status === "rejected") expect(isEndRefusal(o.reason), String(o.reason)).toBe(true);
    const task = await harness.store.getTask(taskId);
    expect(task?.state).toBe("failed");
    expect(task?.attempts).toBe(1);
    expect(await endEvents(harness.store, taskId, 1)).toEqual(["task.failed"]);
  });

  it("the holder completing while another process fails the attempt: one wins and the task shows that outcome", async () => {
    const harness = ctx.harness();
    const { taskId, token } = await claimedTask(harness.store);
    const monitor = await harness.openPeer();
    const [completed, failed] = await Promise.allSettled([
      harness.store.completeTask(taskId, token, { result: { done: true } }),
      monitor.failTask(taskId, token, { message: "owner lapsed", retryable: true, retryDelayMs: 0 }),
    ]);
    expect([completed.status, failed.status].filter((s) => s === "fulfilled")).toHaveLength(1);
    const loser = completed.status === "rejected" ? completed : failed.status === "rejected" ? failed : null;
    expect(isEndRefusal(loser?.reason), String(loser?.reason)).toBe(true);
    const expected = completed.status === "fulfilled" ? "succeeded" : "failed";
    for (const store of [harness.store, monitor]) expect((await store.getTask(taskId))?.state).toBe(expected);
    expect(await endEvents(harness.store, taskId, 1)).toEqual([`task.${expected}`]);
  });
}
