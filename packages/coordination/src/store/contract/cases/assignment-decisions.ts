import { expect, it } from "vitest";
import { type AssignmentDecision, readAssignmentDecision } from "../../../domain/assignment-decision.js";
import type { CoordinationStore } from "../../port.js";
import { type ContractContext, claimMeta, expectValidationError, registration, taskInput } from "../harness.js";

const decision: AssignmentDecision = {
  strategy: "least_loaded",
  reason: "assigned",
  preferred: "w-a",
  score: 0.75,
  parts: { headroom: 0.75, utilization: 0.25 },
  alternatives: [{ workerId: "w-b", score: 0.5, parts: { headroom: 0.5, utilization: 0.5 } }],
  eligible: 2,
  considered: 3,
};

async function startedDecisions(store: CoordinationStore, taskId: string) {
  return (await store.readEvents(0, 1000))
    .filter((e) => e.taskId === taskId && e.kind === "task.started")
    .map((e) => readAssignmentDecision(e.data));
}

export function assignmentDecisionCases(ctx: ContractContext): void {
  it("keeps the decision a claim carries on that attempt's task.started event, and none where it carries none", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const explained = await store.createTask(taskInput(), "operator:test");
    const plain = await store.createTask(taskInput(), "operator:test");
    const claims = await store.claimTasks({
      workerId: "w-a",
      taskIds: [explained.id, plain.id],
      metadata: claimMeta,
      decisions: { [explained.id]: decision },
    });
    expect(claims).toHaveLength(2);
    expect(await startedDecisions(store, explained.id)).toEqual([decision]);
    expect(await startedDecisions(store, plain.id)).toEqual([null]);
  });

  it("refuses a malformed decision naming the field, and claims nothing", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput(), "operator:test");
    const tooMany = {
      ...decision,
      alternatives: [1, 2, 3, 4].map((i) => ({ workerId: `w-${i}`, score: 0, parts: {} })),
    };
    await expectValidationError(
      store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta, decisions: { [task.id]: tooMany } }),
      /^decisions\.[^.]+\.alternatives$/,
    );
    expect((await store.getTask(task.id))?.state).toBe("queued");
  });
}
