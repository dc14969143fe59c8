import { describe, expect, it } from "vitest";
import { foldTask } from "../../src/store/github/fold/task-fold.js";
import type { TaskSource } from "../../src/store/github/fold/task-source.js";
import type { ClaimRecord, TaskOpRecord } from "../../src/store/github/records/record-schemas.js";
import type { StoredRecord } from "../../src/store/github/repo-mirror.js";

const T0 = Date.parse("2026-12-07T10:00:00.000Z");
const DELAY_MS = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A task created at T0 that runs at T0 + 60 s. */
const source: TaskSource = {
  issueNumber: 1,
  issueId: 1,
  nonce: "promote-fold-0001",
  spec: {
    type: "demo",
    title: "demo",
    priority: 0,
    params: {},
    maxAttempts: 3,
    timeoutMs: 60_000,
    delayMs: DELAY_MS,
    pinnedWorkerId: null,
    affinityKey: null,
  },
  createdAt: T0,
  issueCreatedAt: iso(T0),
  events: [],
};

function stored<R extends ClaimRecord | TaskOpRecord>(id: number, at: number, record: R, updatedAt = at) {
  return { id, issue: 1, author: "bot", createdAt: iso(at), updatedAt: iso(updatedAt), record } as StoredRecord<R>;
}

/** A claim-and-start by w1 at `at`, with its outcome PATCHed in at `endAt`. */
function claimThatSucceeds(id: number, at: number, endAt: number) {
  return stored<ClaimRecord>(
    id,
    at,
    {
      k: "claim",
      n: `claim-nonce-${id}`,
      at,
      ev: [],
      owner: "w1",
      ttlMs: 120_000,
      inc: "inc-1",
      meta: { hostname: "h", pid: 1, taskType: "demo" },
      rev: 1,
      auto: true,
      end: { state: "succeeded", at: endAt, result: { ok: true } },
    },
    endAt,
  );
}

function promote(id: number, at: number) {
  return stored<TaskOpRecord>(id, at, {
    k: "op",
    n: `promote-nonce-${id}`,
    at,
    ev: [],
    op: "promote",
    actor: "operator:alice",
    reason: "run now",
  });
}

const fold = (records: StoredRecord[]) => foldTask(source, records, T0 + DELAY_MS + 10_000, () => true);

describe("a promote in the GitHub task fold", () => {
  it("after a claim: not applied, and the attempt's outcome stays succeeded", () => {
    const due = T0 + DELAY_MS + 1_000;
    // The operator's view still showed the task delayed when it posted; a worker claimed first.
    const view = fold([claimThatSucceeds(10, due, due + 500), promote(11, due + 100)]);
    expect(view.task).toMatchObject({ state: "succeeded", result: { ok: true }, attempts: 1 });
    expect(view.applied.has(10)).toBe(true);
    expect(view.applied.has(11)).toBe(false);
  });

  it("before a claim: applied, so an early claim wins", () => {
    const early = T0 + 5_000;
    const view = fold([promote(10, early), claimThatSucceeds(11, early + 1_000, early + 1_500)]);
    expect(view.applied.has(10)).toBe(true);
    expect(view.task).toMatchObject({ state: "succeeded", runAt: early });
  });
});
