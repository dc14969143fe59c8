import { editBody, OWNER, REPO, withStranger } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";

const setup = withStranger();

function repo() {
  const state = setup().emulator.state.repo(OWNER, REPO);
  if (!state) throw new Error(`no ${OWNER}/${REPO} in the emulator`);
  return state;
}

/** The issue holding a task (its signed body carries the task's nonce). */
function issueOf(taskId: string): { number: number; body: string } {
  const nonce = taskId.slice("gh-".length);
  const issue = repo()
    .visibleIssues()
    .find((row) => row.body?.includes(`"n":"${nonce}"`));
  if (!issue) throw new Error(`no issue holds task ${taskId}`);
  return { number: issue.number, body: issue.body ?? "" };
}

/**
 * The attacker acts in a later second than the write: GitHub's timestamps are whole seconds,
 * and an edit within the second a comment was created cannot be told from none (docs/security.md).
 */
async function later(): Promise<void> {
  const { emulator } = setup();
  emulator.clock.setOffset(emulator.clock.offsetMs() + 2000);
}

/** What a write collaborator would do to run a task with parameters nobody signed. */
function withForgedParams(body: string): string {
  const forged = body.replace('"params":{}', '"params":{"command":"rm -rf /"}');
  if (forged === body) throw new Error("the task body must carry its params");
  return forged;
}

const claimableIds = async (store: ReturnType<typeof setup>["store"], workerId = "w-1") =>
  (await store.listClaimable({ types: ["demo"], workerId, limit: 10 })).map((task) => task.id);

describe("edited records (a collaborator with write access edits what the store wrote)", () => {
  it("a task body edited to forged parameters: the task stays, with its signed spec, and the body is put back", async () => {
    const { store, eve, openPeer } = setup();
    const task = await store.createTask(taskInput(), "operator:test");
    const original = issueOf(task.id);
    await editBody(eve, { issue: original.number }, withForgedParams(original.body));

    // Before: the spec was refused and the task vanished (it had no other copy).
    expect(await claimableIds(store)).toEqual([task.id]);
    expect((await store.getTask(task.id))?.params).toEqual({});
    expect(store.trustStats().tampered).toEqual([
      expect.objectContaining({ issue: original.number, comment: null, reason: "badSignature", kept: true }),
    ]);
    expect(repo().visibleIssue(original.number)?.body).toBe(original.body);

    const peer = await openPeer();
    await peer.registerWorker(registration("w-2"));
    const [claimed] = await peer.claimTasks({ workerId: "w-2", taskIds: [task.id], metadata: claimMeta });
    expect(claimed?.task.params).toEqual({});
    expect(peer.trustStats().tampered).toEqual([]);
  });

  it("a task body replaced by another task's signed body: not a duplicate of it, the task stays and is put back", async () => {
    const { store, eve } = setup();
    const [first, second] = [
      await store.createTask(taskInput({ title: "first" }), "operator:test"),
      await store.createTask(taskInput({ title: "second" }), "operator:test"),
    ];
    const target = issueOf(second.id);
    await editBody(eve, { issue: target.number }, issueOf(first.id).body);

    expect((await claimableIds(store)).sort()).toEqual([first.id, second.id].sort());
    expect((await store.getTask(second.id))?.title).toBe("second");
    expect(store.trustStats().tampered).toEqual([
      expect.objectContaining({ issue: target.number, comment: null, reason: "replayed", kept: true }),
    ]);
    expect(repo().visibleIssue(target.number)?.body).toBe(target.body);
  });

  it("a process that opens while a task body is edited runs nothing forged, reports the issue, and sees the task once it is put back", async () => {
    const { store, eve, openPeer } = setup();
    const task = await store.createTask(taskInput(), "operator:test");
    const { number, body } = issueOf(task.id);
    await editBody(eve, { issue: number }, withForgedParams(body));

    const newcomer = await openPeer();
    expect(await claimableIds(newcomer)).toEqual([]);
    expect(newcomer.trustStats().tampered).toEqual([
      expect.objectContaining({ issue: number, comment: null, reason: "badSignature", kept: false }),
    ]);
    // A process that verified the body puts it back on its next listing.
    await claimableIds(store);
    expect(await claimableIds(newcomer)).toEqual([task.id]);
    expect((await newcomer.getTask(task.id))?.params).toEqual({});
  });

  it("an edited memory write is not undone: the process that verified it keeps it and signs it back", async () => {
    const { store, eve, openPeer } = setup();
    await store.memorySet("swarm/plan", { step: 1 }, "w-1");
    const written = await store.memorySet("swarm/plan", { step: 2 }, "w-1");
    const [, newer] = repo()
      .visibleComments()
      .filter((comment) => comment.body.includes("swarm/plan"));
    if (!newer) throw new Error("both memory writes must be comments");
    await later();
    await editBody(eve, { comment: newer.id }, newer.body.replace('"step":2', '"step":3'));

    // Before: the refused edit acted as a deletion and the value went back to { step: 1 }.
    expect(await store.memoryGet("swarm/plan")).toMatchObject({ value: { step: 2 }, version: written.version });
    expect(store.trustStats().tampered).toEqual([
      expect.objectContaining({ comment: newer.id, reason: "badSignature", kept: true }),
    ]);
    // Its next listing puts the write back, signed as a rewrite of that comment: every reader has it again.
    await claimableIds(store);
    const peer = await openPeer();
    expect(await peer.memoryGet("swarm/plan")).toMatchObject({ value: { step: 2 }, version: written.version });
    expect(peer.trustStats().refused).toBe(0);
  });

  it("an edited cancel is not undone: the task stays cancelled for every process", async () => {
    const { store, eve, openPeer } = setup();
    const task = await store.createTask(taskInput(), "operator:test");
    await store.cancelTask(task.id, { actor: "operator:test", reason: "not needed" });
    const [cancel] = repo()
      .visibleComments()
      .filter((comment) => comment.body.includes("not needed"));
    if (!cancel) throw new Error("the cancel must be a comment");
    await later();
    await editBody(eve, { comment: cancel.id }, cancel.body.replace("not needed", "needed after all"));

    expect((await store.getTask(task.id))?.state).toBe("cancelled");
    await claimableIds(store);
    const peer = await openPeer();
    expect((await peer.getTask(task.id))?.state).toBe("cancelled");
    expect(await claimableIds(peer)).toEqual([]);
  });

  it("a finished claim edited to garbage: the process that verified it keeps the outcome and does not run the task again", async () => {
    const { store, eve } = setup();
    await store.registerWorker(registration("w-1"));
    const task = await store.createTask(taskInput(), "operator:test");
    const [claimed] = await store.claimTasks({ workerId: "w-1", taskIds: [task.id], metadata: claimMeta });
    const token = claimed?.lock.token ?? -1;
    await store.completeTask(task.id, token, { result: "done" });
    await editBody(eve, { comment: token }, "nothing to see here");

    expect(await store.getTask(task.id)).toMatchObject({ state: "succeeded", result: "done" });
    expect(await claimableIds(store)).toEqual([]);
    expect(store.trustStats().tampered).toEqual([
      expect.objectContaining({ comment: token, reason: "unsigned", kept: true }),
    ]);
  });
});
