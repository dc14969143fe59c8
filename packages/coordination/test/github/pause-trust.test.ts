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
