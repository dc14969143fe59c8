import { OWNER, postComment, REPO, SECRET, withStranger } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import { encodeRecord } from "../../src/store/github/trust/record-codec.js";

const setup = withStranger();
const DELAY_MS = 60_000;

/**
 * A delayed task on GitHub is started only once it is due by GitHub's clock: a signed claim
 * posted before its runAt — by a claimant whose clock runs ahead, or that lies about `at` —
 * is not an attempt for any reader (the fold dates a claim by the second GitHub stamped it).
 */
describe("a claim of a delayed task posted before its runAt", () => {
  it("never becomes the attempt, and a claim once it is due does", async () => {
    const { emulator, store, bot, openPeer } = setup();
    await store.registerWorker(registration("w-real"));
    const task = await store.createTask(taskInput({ delayMs: DELAY_MS, title: "delayed-once" }), "operator:test");
    const issue = emulator.state
      .repo(OWNER, REPO)
      ?.visibleIssues()
      .find((i) => i.title === "delayed-once");
    if (!issue) throw new Error("no issue for the delayed task");
    const early = {
      k: "claim",
      n: "early-claim-0001",
      // The claimant says it is already due: the fold must not believe it.
      at: task.runAt + 1,
      ev: [],
      owner: "w-real",
      ttlMs: 60_000,
      inc: "early",
      meta: { ...claimMeta, taskType: "demo" },
      rev: 0,
      auto: true,
      over: [],
    };
    await postComment(
      bot,
      issue.number,
      encodeRecord(SECRET, { issue: issue.number, kind: "claim", comment: null, signedAt: Date.now() }, "claim", early),
    );
    const peer = await openPeer();
    expect((await peer.getTask(task.id))?.state).toBe("queued");

    emulator.clock.setOffset(emulator.clock.offsetMs() + DELAY_MS + 2000);
    const later = await openPeer();
    await later.registerWorker(registration("w-later"));
    const [claim] = await later.claimTasks({ workerId: "w-later", taskIds: [task.id], metadata: claimMeta });
    expect(claim?.task).toMatchObject({ state: "running", workerId: "w-later", attempts: 1 });
  });
});
