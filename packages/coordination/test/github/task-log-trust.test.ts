import { OWNER, postComment, REPO, SECRET, withStranger } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/domain/limits.js";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import { encodeRecord } from "../../src/store/github/trust/record-codec.js";

const setup = withStranger();

const issueOf = (taskId: string): number => {
  const nonce = taskId.replace("gh-", "");
  const issue = setup()
    .emulator.state.repo(OWNER, REPO)
    ?.visibleIssues()
    .find((i) => i.body?.includes(`"n":"${nonce}"`));
  if (!issue) throw new Error(`no issue for ${taskId}`);
  return issue.number;
};

function logPayload(token: number, lineCount: number): Record<string, unknown> {
  return {
    k: "log",
    n: "forged-log-0001",
    at: Date.now(),
    ev: [],
    token,
    attempt: 1,
    worker: "w-1",
    rev: 99,
    progress: { f: 1, m: "forged: all done", at: Date.now() },
    lines: Array.from({ length: lineCount }, (_, i) => ({ at: Date.now(), l: "error", m: `forged ${i}` })),
    dropped: 0,
  };
}

describe("Logs comments: only the store's own signed, bounded records count", () => {
  it("refuses forged, unsigned, over-long and deeply nested log comments, counts each, and shows only the real log", async () => {
    const { store, bot, mallory } = setup();
    await store.registerWorker(registration("w-1"));
    const task = await store.createTask(taskInput(), "operator:test");
    const [claim] = await store.claimTasks({ workerId: "w-1", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("claim must succeed");
    const token = claim.lock.token;
    await store.appendTaskLog(task.id, token, {
      lines: [{ level: "info", message: "real line" }],
      progress: { fraction: 0.3, message: "real" },
    });
    const issue = issueOf(task.id);
    const signed = (payload: Record<string, unknown>) =>
      encodeRecord(SECRET, { issue, kind: "log", comment: null, signedAt: Date.now() }, "log", payload);

    // A stranger's comment, even with a valid signature, is not data.
    await postComment(mallory, issue, signed(logPayload(token, 1)));
    // An allowed login without the key: unsigned.
    await postComment(bot, issue, `log\n\n<!-- sentinel:v1 ${JSON.stringify({ p: logPayload(token, 1) })} -->`);
    // Signed, but more lines than a log record may hold: refused by the record schema.
    await postComment(bot, issue, signed(logPayload(token, LIMITS.taskLogLines + 1)));
    // Nested far past any stack: refused before anything recursive reads it.
    await postComment(
      bot,
      issue,
      `log\n\n<!-- sentinel:v1 {"p":${"[".repeat(20_000)}${"]".repeat(20_000)},"sig":"00"} -->`,
    );

    await store.appendTaskLog(task.id, token, { lines: [{ level: "info", message: "second real line" }] });
    const log = await store.getTaskLog(task.id);
    expect(log?.lines.map((line) => line.message)).toEqual(["real line", "second real line"]);
    expect(log?.progress).toMatchObject({ fraction: 0.3, message: "real" });
    const stats = store.trustStats();
    expect(stats.rejected).toMatchObject({ author: 1, unsigned: 1, malformed: 1, tooDeep: 1 });
    expect(stats.refused).toBe(4);
  });
});
