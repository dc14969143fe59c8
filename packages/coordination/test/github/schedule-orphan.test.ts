import { OWNER, postComment, REPO, SECRET, withStranger } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { dueSlots } from "../../src/domain/schedule.js";
import type { GithubStore } from "../../src/store/github/github-store.js";
import { TASK_ID_PREFIX, taskIdOf } from "../../src/store/github/records/issue-kinds.js";
import { slotTaskNonce } from "../../src/store/github/schedule-store.js";
import { encodeRecord } from "../../src/store/github/trust/record-codec.js";

const GRACE_MS = 1500;
const setup = withStranger({ orphanedSlotGraceMs: GRACE_MS });

function settingsIssue(): number {
  const issues = setup().emulator.state.repo(OWNER, REPO)?.visibleIssues() ?? [];
  const issue = issues.find((i) => i.labels.includes("sentinel:settings"));
  if (!issue) throw new Error("no settings issue");
  return issue.number;
}

function taskIssuesOf(taskId: string): number {
  const issues = setup().emulator.state.repo(OWNER, REPO)?.visibleIssues() ?? [];
  return issues.filter(
    (i) => i.labels.includes("sentinel:task") && i.body?.includes(taskId.slice(TASK_ID_PREFIX.length)),
  ).length;
}

/**
 * A scheduler that dies after its slot claim won but before it created the slot's task: the
 * claim (signed as the bot, as the dead process would have written it) fires the slot, so no
 * other process may claim it again.
 */
async function orphanedClaim(store: GithubStore): Promise<{ scheduleId: string; slot: number; taskId: string }> {
  const schedule = await store.createSchedule(
    { name: "orphaned", timing: { every: "1s" }, task: { type: "echo" } },
    "operator:test",
  );
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const [slot] = dueSlots(schedule.timing, schedule.createdAt, schedule.horizon, Date.now(), 1);
  if (slot === undefined) throw new Error("no slot due");
  const taskId = taskIdOf(slotTaskNonce(schedule.id, slot));
  const issue = settingsIssue();
  const payload = {
    k: "slot",
    n: "dead-winner-0001",
    at: Date.now(),
    ev: [],
    sid: schedule.id,
    slot,
    task: taskId,
    by: "w-dead",
  };
  const scope = { issue, kind: "slot", comment: null, signedAt: Date.now() };
  await postComment(setup().bot, issue, encodeRecord(SECRET, scope, "slot", payload));
  await store.editSchedule(schedule.id, { paused: true }, "operator:test");
  return { scheduleId: schedule.id, slot, taskId };
}

describe("a GitHub schedule slot whose winner died before creating its task", () => {
  it("gets its task from another scheduler once the claim is older than the grace, and only once", async () => {
    const { store, openPeer } = setup();
    const { scheduleId, slot, taskId } = await orphanedClaim(store);
    const peer = await openPeer();
    expect((await peer.listScheduleRuns(scheduleId, 10)).map((r) => r.taskId)).toContain(taskId);

    // Within the grace the winner may still be creating it: nobody else does.
    await peer.fireDueSlots("w-peer");
    expect(await peer.getTask(taskId)).toBeNull();

    await new Promise((resolve) => setTimeout(resolve, GRACE_MS));
    await peer.fireDueSlots("w-peer");
    const task = await peer.getTask(taskId);
    expect(task).toMatchObject({ type: "echo", state: "queued" });
    const fired = (await peer.readEvents(0, 1000)).filter((e) => e.kind === "schedule.fired" && e.taskId === taskId);
    expect(fired.map((e) => e.data)).toEqual([expect.objectContaining({ slotAt: slot, recoveredBy: "w-peer" })]);

    // Later passes, here and in the first process, see the task and create nothing more.
    await peer.fireDueSlots("w-peer");
    await store.fireDueSlots("w-first");
    expect(taskIssuesOf(taskId)).toBe(1);
  });
});
