import { expect, it } from "vitest";
import { IllegalTransitionError } from "../../../errors.js";
import {
  type ContractContext,
  claimMeta,
  expectValidationError,
  registration,
  rejectionOf,
  taskInput,
} from "../harness.js";

export function taskEditCases(ctx: ContractContext): void {
  it("edits a queued task's priority and params, recording what changed (params as size and hash)", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const low = await store.createTask(taskInput({ params: { n: 1 } }), "operator:test");
    const other = await store.createTask(taskInput({ priority: 5 }), "operator:test");
    const edited = await store.editTask(low.id, { priority: 9, params: { n: 2 } }, "operator:alice");
    expect(edited).toMatchObject({ id: low.id, state: "queued", priority: 9, params: { n: 2 } });
    expect(await store.getTask(low.id)).toMatchObject({ priority: 9, params: { n: 2 } });
    // The new priority orders the claims.
    const listed = await store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 10 });
    expect(listed.map((t) => t.id)).toEqual([low.id, other.id]);
    const events = (await store.readEvents(0, 1000)).filter((e) => e.kind === "task.edited");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      taskId: low.id,
      actor: "operator:alice",
      data: {
        changed: ["priority", "params"],
        before: { priority: 0, params: { chars: 7, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } },
        after: { priority: 9, params: { chars: 7, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } },
      },
    });
    const data = events[0]?.data as { before: { params: { sha256: string } }; after: { params: { sha256: string } } };
    expect(data.before.params.sha256).not.toBe(data.after.params.sha256);
  });

  it("edits params near the size cap, the event keeping only their size and hash", async () => {
    const store = ctx.store();
    // Just under the GitHub backend's params cap (24,000 characters); three copies (old
    // params, new params, the op's own copy) passed the 64 KiB comment limit while the event
    // carried the values.
    const big = (fill: string) => ({ blob: fill.repeat(23_000) });
    const task = await store.createTask(taskInput({ params: big("a") }), "operator:test");
    const edited = await store.editTask(task.id, { params: big("b") }, "operator:alice");
    expect(edited.params).toEqual(big("b"));
    expect(await store.getTask(task.id)).toMatchObject({ params: big("b") });
    const [event] = (await store.readEvents(0, 1000)).filter((e) => e.kind === "task.edited");
    expect(event?.data).toMatchObject({ changed: ["params"], after: { params: { chars: 23_011 } } });
    expect(JSON.stringify(event?.data).length).toBeLessThan(500);
  });

  it("refuses to edit a task that is no longer queued, changing nothing", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput({ params: { n: 1 } }), "operator:test");
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    expect(claim?.task.state).toBe("running");
    const refused = await rejectionOf(store.editTask(task.id, { priority: 7 }, "operator:alice"));
    expect(refused).toBeInstanceOf(IllegalTransitionError);
    expect((refused as Error).message).toContain("running → edited");
    expect(await store.getTask(task.id)).toMatchObject({ priority: 0, params: { n: 1 }, state: "running" });
  });

  it("refuses an empty or malformed edit, naming the field", async () => {
    const store = ctx.store();
    const task = await store.createTask(taskInput(), "operator:test");
    await expectValidationError(store.editTask(task.id, {}, "operator:alice"), /edit/);
    await expectValidationError(store.editTask(task.id, { priority: 500 }, "operator:alice"), /priority/);
  });
}
