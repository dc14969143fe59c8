import { editBody, OWNER, REPO, withStranger } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { StaleFencingTokenError } from "../../src/errors.js";
import { claimMeta, registration, rejectionOf, taskInput } from "../../src/store/contract/harness.js";
import type { GithubStore } from "../../src/store/github/index.js";

/** Rewrites may be put back at most a minute after they were signed (the default is ten). */
const setup = withStranger({ maxSignatureAgeMs: 60_000 });

async function bodyOf(id: number): Promise<string> {
  const { data } = await setup().bot.request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", {
    owner: OWNER,
    repo: REPO,
    comment_id: id,
  });
  return data.body ?? "";
}

/** Ids of the comments whose body contains `text`, oldest first. */
function commentsWith(text: string): number[] {
  const comments = setup().emulator.state.repo(OWNER, REPO)?.visibleComments() ?? [];
  return comments.filter((comment) => comment.body.includes(text)).map((comment) => comment.id);
}

/**
 * The attacker acts in a later second than the write. GitHub's timestamps are whole seconds:
 * an edit within the second a comment was created cannot be told from no edit (docs/security.md).
 */
async function later(): Promise<void> {
  const { emulator } = setup();
  emulator.clock.setOffset(emulator.clock.offsetMs() + 2000);
}

async function runOnce(store: GithubStore, workerId: string, taskId: string): Promise<number> {
  const [claimed] = await store.claimTasks({ workerId, taskIds: [taskId], metadata: claimMeta });
  if (!claimed) throw new Error(`${workerId} must claim ${taskId}`);
  await store.completeTask(taskId, claimed.lock.token, { result: workerId });
  return claimed.lock.token;
}

describe("replayed, reverted, moved and deleted records (a collaborator with write access)", () => {
  it("a finished claim put back to its running body is refused: never running again under the old token", async () => {
    const { store, eve, openPeer } = setup();
    await store.registerWorker(registration("w-1"));
    const task = await store.createTask(taskInput(), "operator:test");
    const [claimed] = await store.claimTasks({ workerId: "w-1", taskIds: [task.id], metadata: claimMeta });
    const token = claimed?.lock.token ?? -1;
    const runningBody = await bodyOf(token);
    await store.completeTask(task.id, token, { result: "first" });
    await later();
    await editBody(eve, { comment: token }, runningBody);

    const peer = await openPeer();
    expect(await peer.getLock(task.id)).toBeNull();
    expect((await peer.getTask(task.id))?.state).not.toBe("running");
    expect(peer.trustStats().rejected.replayed).toBe(1);
    // The worst it does is a re-execution (at-least-once), under a new fencing token.
    await peer.registerWorker(registration("w-2"));
    const again = await runOnce(peer, "w-2", task.id);
    expect(again).toBeGreaterThan(token);
    expect(await peer.getTask(task.id)).toMatchObject({ state: "succeeded", result: "w-2" });
  });

  it("a deleted succeeded claim makes the task run again under a new token, and nothing is lost", async () => {
    const { store, eve, openPeer } = setup();
    await store.registerWorker(registration("w-1"));
    const task = await store.createTask(taskInput(), "operator:test");
    const token = await runOnce(store, "w-1", task.id);
    await eve.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: OWNER,
      repo: REPO,
      comment_id: token,
    });
    const peer = await openPeer();
    expect((await peer.getTask(task.id))?.state).toBe("queued");
    await peer.registerWorker(registration("w-2"));
    expect(await runOnce(peer, "w-2", task.id)).toBeGreaterThan(token);
    expect((await peer.getTask(task.id))?.state).toBe("succeeded");
  });

  it("a cancel copied over a later comment is refused: a requeued task stays requeued", async () => {
    const { store, eve, openPeer } = setup();
    await store.registerWorker(registration("w-1"));
    const task = await store.createTask(taskInput(), "operator:test");
    await store.cancelTask(task.id, { actor: "operator:alice", reason: "not now" });
    await store.requeueTask(task.id, { actor: "operator:alice", reason: "now" });
    const [claimed] = await store.claimTasks({ workerId: "w-1", taskIds: [task.id], metadata: claimMeta });
    const [cancelOp] = commentsWith('"op":"cancel"');
    if (cancelOp === undefined || !claimed) throw new Error("the cancel op and the claim must exist");
    await later();
    await editBody(eve, { comment: claimed.lock.token }, await bodyOf(cancelOp));

    const peer = await openPeer();
    expect((await peer.getTask(task.id))?.state).toBe("queued");
    expect(peer.trustStats().rejected.replayed).toBe(1);
  });

  it("a registration's rewrite moved onto another worker's comment is refused: no duplicate, no takeover", async () => {
    const { store, eve, openPeer } = setup();
    await store.registerWorker(registration("w-1"));
    const registered = await store.registerWorker(registration("w-2"));
    await store.heartbeat("w-1", { activeTasks: 0 });
    await store.heartbeat("w-2", { activeTasks: 0 });
    const [w1, w2] = [commentsWith('"id":"w-1"')[0], commentsWith('"id":"w-2"')[0]];
    if (w1 === undefined || w2 === undefined) throw new Error("both registrations must exist");
    await editBody(eve, { comment: w2 }, await bodyOf(w1));

    const peer = await openPeer();
    expect((await peer.listWorkers()).map((worker) => worker.id)).toEqual(["w-1"]);
    expect(peer.trustStats().rejected.replayed).toBe(1);
    // The worker's own process keeps the registration it verified, and its next heartbeat
    // rewrites the comment: the edit is undone, with no new incarnation and no lease lost.
    expect(await store.heartbeat("w-2", { activeTasks: 0 })).toMatchObject({ registeredAt: registered.registeredAt });
    expect(store.trustStats().tampered).toContainEqual(
      expect.objectContaining({ issue: expect.any(Number), comment: w2, reason: "replayed", kept: true }),
    );
    const after = await openPeer();
    expect((await after.listWorkers()).map((worker) => worker.id).sort()).toEqual(["w-1", "w-2"]);
  });

  it("a deleted running claim fences its holder out; the task runs again under a new token only", async () => {
    const { store, eve, openPeer } = setup();
    await store.registerWorker(registration("w-1"));
    const task = await store.createTask(taskInput(), "operator:test");
    const [claimed] = await store.claimTasks({ workerId: "w-1", taskIds: [task.id], metadata: claimMeta });
    const token = claimed?.lock.token ?? -1;
    await eve.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: OWNER,
      repo: REPO,
      comment_id: token,
    });
    const peer = await openPeer();
    await peer.registerWorker(registration("w-2"));
    const again = await runOnce(peer, "w-2", task.id);
    expect(again).toBeGreaterThan(token);
    expect(await rejectionOf(store.completeTask(task.id, token, { result: "late" }))).toBeInstanceOf(
      StaleFencingTokenError,
    );
    expect(await peer.getTask(task.id)).toMatchObject({ state: "succeeded", result: "w-2" });
  });

  it("a rewrite put back within maxSignatureAgeMs reads as that earlier version; later, it is refused", async () => {
    const { store, eve, emulator, openPeer } = setup();
    await store.registerWorker(registration("w-1", { leaseMs: 600_000 }));
    const task = await store.createTask(taskInput({ timeoutMs: 600_000 }), "operator:test");
    const [claimed] = await store.claimTasks({ workerId: "w-1", taskIds: [task.id], metadata: claimMeta });
    const token = claimed?.lock.token ?? -1;
    await store.storeResult(task.id, token, "partial");
    const storedBody = await bodyOf(token);
    await store.completeTask(task.id, token, { result: "final" });

    // Within the window: the earlier signed state of the same comment, as a lagging read would show.
    await editBody(eve, { comment: token }, storedBody);
    const early = await openPeer();
    expect((await early.getTask(task.id))?.state).toBe("running");
    // The store that saw the newer version keeps it: a version never goes backwards for a reader.
    expect((await store.getTask(task.id))?.state).toBe("succeeded");

    emulator.clock.setOffset(2 * 60_000);
    await editBody(eve, { comment: token }, storedBody);
    const late = await openPeer();
    expect((await late.getTask(task.id))?.state).not.toBe("running");
    expect(late.trustStats().rejected.replayed).toBe(1);
  });

  it("a newer memory write overwritten with an older one's body is refused (the value is never one nobody wrote)", async () => {
    const { store, eve, openPeer } = setup();
    const written = await store.memorySet("swarm/plan", { step: 1 }, "w-1");
    await store.memorySet("swarm/plan", { step: 2 }, "w-1");
    const [first, second] = commentsWith('"key":"swarm/plan"');
    if (first === undefined || second === undefined) throw new Error("both memory writes must exist");
    await later();
    await editBody(eve, { comment: second }, await bodyOf(first));

    const peer = await openPeer();
    const seen = await peer.memoryGet("swarm/plan");
    // Refusing the edited comment is a deletion of that write: the earlier signed value shows,
    // at its own version — not the old body passed off as a newer write.
    expect(seen).toMatchObject({ value: { step: 1 }, version: written.version });
    expect(peer.trustStats().rejected.replayed).toBe(1);
  });
});
