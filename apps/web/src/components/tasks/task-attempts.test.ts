import { describe, expect, it } from "vitest";
import { type AttemptEvent, summariseAttempts } from "./task-attempts";

let id = 0;
const ev = (
  kind: string,
  actor: string,
  data: Record<string, unknown> = {},
  workerId: string | null = actor,
): AttemptEvent => ({ id: ++id, kind, at: id * 1000, actor, workerId, data });

describe("summariseAttempts", () => {
  it("pairs each start with its end and files a rejected stale write under the token it presented", () => {
    const attempts = summariseAttempts([
      ev("task.created", "alice", {}, null),
      ev("lock.acquired", "a", { token: 5 }),
      ev("task.started", "a", { attempt: 1, token: 5 }),
      ev("task.requeued", "operator:alice", { reason: "reassign" }, "a"),
      ev("lock.acquired", "b", { token: 6 }),
      ev("task.started", "b", { attempt: 2, token: 6 }),
      ev("task.write_rejected", "a", { attempted: "complete", presented: 5, current: 6 }),
      ev("task.succeeded", "b", { token: 6, attempt: 2 }),
    ]);
    expect(attempts).toMatchObject([
      {
        attempt: 1,
        workerId: "a",
        token: 5,
        outcome: "requeued",
        endedBy: "operator:alice",
        rejected: [{ by: "a", attempted: "complete", presented: 5, current: 6 }],
      },
      { attempt: 2, workerId: "b", token: 6, outcome: "succeeded", endedBy: "b", rejected: [] },
    ]);
  });

  it("leaves the running attempt open", () => {
    expect(summariseAttempts([ev("task.started", "a", { attempt: 1, token: 9 })])).toMatchObject([
      { outcome: null, endedAt: null, token: 9 },
    ]);
  });
});
