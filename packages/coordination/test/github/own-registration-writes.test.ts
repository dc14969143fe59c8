import { openPerTest, openTestStore } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { registration } from "../../src/store/contract/harness.js";

const open = openPerTest();

describe("a worker's heartbeat and its own drain, at the same moment", () => {
  // Both PATCH the worker's one registration comment: the drain must not be written over by a
  // heartbeat that read the record before it (the stack's shutdown then failed to deregister).
  it("the worker ends DRAINING, in this process and as GitHub holds it, and deregisters", async () => {
    const { emulator, store } = await open();
    const ids = ["w-0", "w-1", "w-2", "w-3"];
    for (const id of ids) await store.registerWorker(registration(id, { leaseMs: 60_000, heartbeatIntervalMs: 100 }));
    await Promise.all(
      ids.map((id) =>
        Promise.all([
          store.heartbeat(id, { activeTasks: 0 }),
          store.transitionWorker(id, "DRAINING", { expectedFrom: ["ACTIVE"], actor: id, reason: "shutting down" }),
          store.heartbeat(id, { activeTasks: 0 }),
        ]),
      ),
    );
    const reader = await openTestStore(emulator, "bot-token");
    try {
      for (const id of ids) {
        expect((await store.getWorker(id))?.state, id).toBe("DRAINING");
        expect((await reader.getWorker(id))?.state, `${id} as GitHub holds it`).toBe("DRAINING");
        await store.transitionWorker(id, "REMOVED", { expectedFrom: ["DRAINING"], actor: id, reason: "deregistered" });
      }
    } finally {
      await reader.close();
    }
  });
});
