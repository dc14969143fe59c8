import { OWNER, openPerTest, REPO } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { claimMeta, lockMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import { boundedLabel, checkIssueFields } from "../../src/store/github/records/github-limits.js";

const open = openPerTest();

describe("GitHub's limits, enforced before GitHub refuses", () => {
  it("runs a task whose type makes a label over 50 characters, under a readable bounded label", async () => {
    const { emulator, store } = await open();
    const type = `reports.quarterly-${"x".repeat(46)}`;
    const other = `reports.quarterly-${"x".repeat(45)}y`;
    await store.registerWorker(registration("w-1", { supportedTaskTypes: [type] }));
    const task = await store.createTask(taskInput({ type }), "operator:test");
    await store.createTask(taskInput({ type: other }), "operator:test");
    const [claimed] = await store.claimTasks({ workerId: "w-1", taskIds: [task.id], metadata: claimMeta });
    await store.completeTask(task.id, claimed?.lock.token ?? -1, { result: "done" });
    expect(await store.getTask(task.id)).toMatchObject({ type, state: "succeeded" });

    const issues = emulator.state.repo(OWNER, REPO)?.visibleIssues() ?? [];
    const typeLabels = issues.flatMap((issue) => issue.labels.filter((label) => label.startsWith("type:")));
    expect(typeLabels).toHaveLength(2);
    for (const label of typeLabels) {
      expect(label.length).toBeLessThanOrEqual(50);
      expect(label).toMatch(/^type:reports\.quarterly-x+~[0-9a-f]{8}$/);
    }
    expect(new Set(typeLabels).size).toBe(2);
  });

  it("says which issue is full instead of posting past GitHub's 2,500-comment cap", async () => {
    const { emulator, store } = await open();
    await store.registerWorker(registration("w-1"));
    const task = await store.createTask(taskInput(), "operator:test");
    const repo = emulator.state.repo(OWNER, REPO);
    const issue = repo?.visibleIssues().find((i) => i.labels.includes("sentinel:task"));
    if (!repo || !issue) throw new Error("the task's issue must exist");
    for (let i = 0; i < 2500; i += 1) repo.createComment(issue.number, `comment ${i}`, "someone");
    const before = emulator.stats().byMethod.POST ?? 0;
    await expect(
      store.acquireLock({ taskId: task.id, ownerId: "w-1", ttlMs: 60_000, metadata: lockMeta() }),
    ).rejects.toThrow(`issue #${issue.number} holds 2500 comments`);
    expect(emulator.stats().byMethod.POST ?? 0).toBe(before);
  });

  it("keeps short labels as they are and refuses what GitHub would refuse, naming the field", () => {
    expect(boundedLabel("type:", "demo")).toBe("type:demo");
    expect(boundedLabel("type:", "y".repeat(45))).toBe(`type:${"y".repeat(45)}`);
    expect(boundedLabel("type:", "y".repeat(46))).toHaveLength(50);
    const cases: Array<[Parameters<typeof checkIssueFields>[0], string]> = [
      [{ title: "t".repeat(257) }, "title"],
      [{ body: "b".repeat(65_537) }, "body"],
      [{ labels: ["ok", "l".repeat(51)] }, "labels"],
    ];
    for (const [fields, field] of cases) {
      expect(() => checkIssueFields(fields)).toThrow(ValidationError);
      expect(() => checkIssueFields(fields)).toThrow(new RegExp(`invalid ${field}`));
    }
    expect(() =>
      checkIssueFields({ title: "t".repeat(256), body: "b".repeat(65_536), labels: ["l".repeat(50)] }),
    ).not.toThrow();
  });
});
