import { waitForLeaseLapse } from "@sentinel/test-support/clock";
import { openPerTest, openTestStore } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { IllegalTransitionError, StaleFencingTokenError } from "../../src/errors.js";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";

const open = openPerTest();

/**
 * Long enough for register → create → claim to fit inside the lease on a loaded machine (at
 * 400 ms the lease sometimes lapsed before the claim, which is then rightly refused).
 */
const LEASE_MS = 2000;

describe("one process ending its own attempt twice at once", () => {
  // The worker runtime's completion and the same process's heartbeat monitor (failing the
  // attempt of a worker whose lease lapsed) share one store: both may PATCH the same claim.
  it("the worker's completion and its own monitor's failure: exactly one takes effect, the other is refused", async () => {
    const { emulator, store } = await open();
    for (let round = 0; round < 3; round++) {
      const workerId = `w-${round}`;
      await store.registerWorker(registration(workerId, { leaseMs: LEASE_MS, heartbeatIntervalMs: 100 }));
      const task = await store.createTask(taskInput(), "operator:test");
      const [claim] = await store.claimTasks({ workerId, taskIds: [task.id], metadata: claimMeta });
      if (!claim) throw new Error("a fresh task must be claimable");
      await waitForLeaseLapse(store, workerId);
      const [completed, failed] = await Promise.allSettled([
        store.completeTask(task.id, claim.lock.token, { result: { round } }),
        store.failTask(task.id, claim.lock.token, { message: "owner lapsed", retryable: true, retryDelayMs: 0 }),
      ]);
      expect([completed.status, failed.status].filter((status) => status === "fulfilled")).toHaveLength(1);
      const loser =
        completed.status === "rejected" ? completed.reason : failed.status === "rejected" ? failed.reason : null;
      expect(loser instanceof StaleFencingTokenError || loser instanceof IllegalTransitionError, String(loser)).toBe(
        true,
      );
      const expected = completed.status === "fulfilled" ? "succeeded" : "failed";
      // A second process reads what GitHub holds, not this process's mirror.
      const reader = await openTestStore(emulator, "bot-token");
      try {
        expect((await reader.getTask(task.id))?.state).toBe(expected);
        const ends = (await reader.readEvents(0, 10_000)).filter(
          (e) => e.taskId === task.id && (e.kind === "task.succeeded" || e.kind === "task.failed"),
        );
        expect(ends.map((e) => e.kind)).toEqual([`task.${expected}`]);
      } finally {
        await reader.close();
      }
    }
  });
});
