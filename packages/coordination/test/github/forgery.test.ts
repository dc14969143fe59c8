import { OWNER, postComment, REPO, SECRET, withStranger } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import { encodeRecord } from "../../src/store/github/trust/record-codec.js";
import { TrustFilter } from "../../src/store/github/trust/trust-filter.js";
import { forgedWorkerRecord } from "./forged-records.js";

const setup = withStranger();

/** The issue that holds a task: its signed spec carries the nonce the task id is made of. */
const issueOf = (taskId: string): number => {
  const { emulator } = setup();
  const nonce = taskId.replace("gh-", "");
  const issue = emulator.state
    .repo(OWNER, REPO)
    ?.visibleIssues()
    .find((i) => i.body?.includes(`"n":"${nonce}"`));
  if (!issue) throw new Error(`no issue for ${taskId}`);
  return issue.number;
};

function claimPayload(owner: string): Record<string, unknown> {
  return {
    k: "claim",
    n: "forged-nonce-1",
    at: Date.now(),
    ev: [],
    owner,
    ttlMs: 600_000,
    inc: "x",
    meta: { hostname: "evil", pid: 1, taskType: "demo" },
    rev: 0,
    start: { at: Date.now(), attempt: 1 },
  };
}

function issueNumbers(): { registry: number; memory: number } {
  const { emulator } = setup();
  const issues = emulator.state.repo(OWNER, REPO)?.visibleIssues() ?? [];
  const find = (label: string) => issues.find((i) => i.labels.includes(label))?.number ?? -1;
  return { registry: find("sentinel:registry"), memory: find("sentinel:memory") };
}

describe("trust: forged, unsigned, wrong-key, replayed and edited records", () => {
  it("accepts none of them as coordination data, counts each once and keeps working", async () => {
    const { store, bot, mallory } = setup();
    await store.registerWorker(registration("w-real"));
    await store.memorySet("swarm/plan", { step: 1 }, "w-real");
    const victim = await store.createTask(taskInput(), "operator:test");
    const other = await store.createTask(taskInput(), "operator:test");
    const { registry, memory } = issueNumbers();
    const taskIssue = issueOf(victim.id);

    // A stranger (not an allowed author) posts well-formed records: unsigned, wrong key, and a correct signature.
    const unsignedBody = `looks legit\n\n<!-- sentinel:v1 ${JSON.stringify({ p: claimPayload("w-evil") })} -->`;
    await postComment(mallory, taskIssue, unsignedBody);
    await postComment(
      mallory,
      taskIssue,
      encodeRecord(
        "wrong-key-wrong-key-wrong",
        { issue: taskIssue, kind: "claim", comment: null, signedAt: Date.now() },
        "claim",
        claimPayload("w-evil"),
      ),
    );
    await postComment(
      mallory,
      taskIssue,
      encodeRecord(
        SECRET,
        { issue: taskIssue, kind: "claim", comment: null, signedAt: Date.now() },
        "claim",
        claimPayload("w-evil"),
      ),
    );
    const fakeWorker = forgedWorkerRecord("w-evil");
    await postComment(
      mallory,
      registry,
      encodeRecord(
        "wrong-key-wrong-key-wrong",
        { issue: registry, kind: "worker", comment: null, signedAt: Date.now() },
        "registration",
        fakeWorker,
      ),
    );
    const fakeMemory = {
      k: "mem",
      n: "forged-mem-01",
      at: Date.now(),
      ev: [],
      ops: [{ key: "swarm/plan", value: { step: 666 }, writer: "w-evil" }],
    };
    await postComment(
      mallory,
      memory,
      encodeRecord(SECRET, { issue: memory, kind: "mem", comment: null, signedAt: Date.now() }, "memory", fakeMemory),
    );

    // An allowed author's comments that must still be refused: unsigned, replayed from another issue, truncated, hand-edited.
    await postComment(bot, taskIssue, unsignedBody);
    const [claimed] = await store.claimTasks({ workerId: "w-real", taskIds: [other.id], metadata: claimMeta });
    if (!claimed) throw new Error("the real worker must claim the other task");
    const original =
      (
        await bot.request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          owner: OWNER,
          repo: REPO,
          comment_id: claimed.lock.token,
        })
      ).data.body ?? "";
    await postComment(bot, taskIssue, original);
    await postComment(bot, taskIssue, original.slice(0, original.length - 40));
    await postComment(
      bot,
      memory,
      encodeRecord(
        SECRET,
        { issue: memory, kind: "mem", comment: null, signedAt: Date.now() },
        "memory",
        fakeMemory,
      ).replace("666", "667"),
    );

    // None of it is a lock, a worker or a memory value; the real worker claims the victim task normally.
    expect(await store.getLock(victim.id)).toBeNull();
    expect((await store.listWorkers()).map((w) => w.id)).toEqual(["w-real"]);
    expect((await store.memoryGet("swarm/plan"))?.value).toEqual({ step: 1 });
    expect((await store.getTask(victim.id))?.state).toBe("queued");
    const [won] = await store.claimTasks({ workerId: "w-real", taskIds: [victim.id], metadata: claimMeta });
    expect(won?.lock.ownerId).toBe("w-real");
    expect(won?.task).toMatchObject({ state: "running", attempts: 1, workerId: "w-real" });

    const stats = store.trustStats();
    expect(stats.rejected.author).toBe(5);
    expect(stats.rejected.unsigned).toBe(1);
    expect(stats.rejected.badSignature).toBe(2);
    expect(stats.rejected.malformed).toBe(1);
    // Counted once per comment version, however often it is re-read.
    await store.listTasks({});
    await store.getTask(victim.id);
    expect(store.trustStats().rejected).toEqual(stats.rejected);
  });

  it("refuses oversized and malformed payloads without throwing", () => {
    const warnings: string[] = [];
    const filter = new TrustFilter(SECRET, ["sentinel-bot"], (_level, message) => warnings.push(message), 600_000);
    const at = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const base = { id: 1, issue: 5, author: "sentinel-bot", createdAt: at, updatedAt: at };
    const signed = encodeRecord(SECRET, { issue: 5, kind: "setting", comment: null, signedAt: Date.now() }, "x", {
      k: "setting",
      n: "nonce-0001",
      at: 1,
      ev: [],
      key: "a",
      value: "b",
      actor: "operator:x",
    });
    expect(filter.accept({ ...base, body: signed })).not.toBeNull();
    expect(filter.accept({ ...base, id: 2, body: `${signed}${" ".repeat(70_000)}` })).toBeNull();
    expect(filter.accept({ ...base, id: 3, body: "<!-- sentinel:v1 {not json} -->" })).toBeNull();
    expect(
      filter.accept({
        ...base,
        id: 4,
        body: encodeRecord(SECRET, { issue: 5, kind: "setting", comment: null, signedAt: Date.now() }, "x", {
          k: "setting",
          n: "short",
        }),
      }),
    ).toBeNull();
    expect(filter.accept({ ...base, id: 5, body: `${signed}\n${signed}` })).toBeNull();
    expect(filter.accept({ ...base, id: 6, body: "just a human comment" })).toBeNull();
    expect(filter.snapshot()).toMatchObject({ accepted: 1, ignoredPlain: 1, rejected: { oversized: 1, malformed: 3 } });
    expect(warnings).toHaveLength(4);
  });
});
