import { OWNER, postComment, REPO, SECRET, withStranger } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import { encodeRecord } from "../../src/store/github/trust/record-codec.js";

const setup = withStranger();

function settingsIssue(): number {
  const issues = setup().emulator.state.repo(OWNER, REPO)?.visibleIssues() ?? [];
  const issue = issues.find((i) => i.labels.includes("sentinel:settings"));
  if (!issue) throw new Error("no settings issue");
  return issue.number;
}

const pausePayload = (type: string) => ({
  k: "pause",
  n: `forged-pause-${type}`,
  at: Date.now(),
  ev: [],
  type,
  paused: true,
  actor: "operator:mallory",
});

describe("trust: forged pause records", () => {
  it("pause nothing and are counted, from a stranger, another account or with the wrong key", async () => {
    const { store, bot, mallory, eve, openPeer } = setup();
    await store.registerWorker(registration("w-real"));
    await store.pauseTaskType("other", "operator:test");
    const issue = settingsIssue();
    const before = store.trustStats().rejected;
    const signed = (secret: string, type: string) =>
      encodeRecord(secret, { issue, kind: "pause", comment: null, signedAt: Date.now() }, "pause", pausePayload(type));

    await postComment(mallory, issue, signed(SECRET, "demo"));
    await postComment(eve, issue, signed(SECRET, "*"));
    await postComment(bot, issue, signed("wrong-key-wrong-key-wrong", "demo"));

    // A fresh process reads the settings issue from scratch: only the real pause counts.
    const peer = await openPeer();
    expect((await peer.listPausedTypes()).map((p) => p.type)).toEqual(["other"]);
    const task = await peer.createTask(taskInput(), "operator:test");
    const [claimed] = await peer.claimTasks({ workerId: "w-real", taskIds: [task.id], metadata: claimMeta });
    expect(claimed?.task.state).toBe("running");

    expect(before).toMatchObject({ author: 0, badSignature: 0 });
    expect(peer.trustStats().rejected).toMatchObject({ author: 2, badSignature: 1 });
  });
});

describe("trust: forged limit records", () => {
  it("limit nothing and are counted, from a stranger, another account or with the wrong key", async () => {
    const { store, bot, mallory, eve, openPeer } = setup();
    await store.registerWorker(registration("w-real"));
    await store.setTaskTypeLimit("other", 5, "operator:test");
    const issue = settingsIssue();
    // A forged limit of 1 on `demo` would hold back the second of two claims below.
    const forged = (secret: string) =>
      encodeRecord(secret, { issue, kind: "limit", comment: null, signedAt: Date.now() }, "limit", {
        k: "limit",
        n: `forged-limit-${secret.length}`,
        at: Date.now(),
        ev: [],
        type: "demo",
        maxRunning: 1,
        maxStarts: null,
        intervalMs: null,
        actor: "operator:mallory",
      });

    await postComment(mallory, issue, forged(SECRET));
    await postComment(eve, issue, forged(SECRET));
    await postComment(bot, issue, forged("wrong-key-wrong-key-wrong"));

    const peer = await openPeer();
    expect((await peer.listTaskTypeLimits()).map((l) => [l.type, l.maxRunning])).toEqual([["other", 5]]);
    const tasks = [
      await peer.createTask(taskInput(), "operator:test"),
      await peer.createTask(taskInput(), "operator:test"),
    ];
    const claimed = await peer.claimTasks({ workerId: "w-real", taskIds: tasks.map((t) => t.id), metadata: claimMeta });
    expect(claimed).toHaveLength(2);
    expect(peer.trustStats().rejected).toMatchObject({ author: 2, badSignature: 1 });
  });
});
