import { describe, expect, it } from "vitest";
import type { TaskState } from "../../src/domain/task.js";
import {
  assertStartableBy,
  compareClaimOrder,
  isClaimableBy,
  isPinnedElsewhere,
  whyNoWorkerCanRun,
} from "../../src/domain/task-claims.js";
import { ALL_TYPES, assertNotPaused, type TypePause } from "../../src/domain/task-type-pause.js";
import { IllegalTransitionError, TypePausedError, ValidationError } from "../../src/errors.js";

const NOW = 10_000;
const worker = { id: "w-a", supportedTaskTypes: ["echo", "sleep"] };
const base = { state: "queued" as TaskState, runAt: NOW, type: "echo", pinnedWorkerId: null as string | null };
const paused = (type: string): TypePause => ({
  type,
  pausedBy: "operator:alice",
  pausedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
});

describe("isClaimableBy", () => {
  it.each([
    ["a queued task due now", {}, true],
    ["a failed task whose retry is due", { state: "failed" }, true],
    ["a task due earlier", { runAt: NOW - 1 }, true],
    ["a task not due yet", { runAt: NOW + 1 }, false],
    ["a running task", { state: "running" }, false],
    ["a succeeded task", { state: "succeeded" }, false],
    ["a dead task", { state: "dead" }, false],
    ["a cancelled task", { state: "cancelled" }, false],
    ["a type without a handler", { type: "other" }, false],
    ["a task pinned to this worker", { pinnedWorkerId: "w-a" }, true],
    ["a task pinned to another worker", { pinnedWorkerId: "w-b" }, false],
  ] as const)("%s → %s", (_name, change, expected) => {
    expect(isClaimableBy({ ...base, ...change }, worker, NOW, [])).toBe(expected);
  });

  it.each([
    ["its type paused", [paused("echo")], false],
    ["the whole queue paused", [paused(ALL_TYPES)], false],
    ["another type paused", [paused("sleep")], true],
    ["nothing paused", [], true],
  ] as const)("a due task with %s → %s", (_name, pauses, expected) => {
    expect(isClaimableBy(base, worker, NOW, pauses)).toBe(expected);
  });
});

describe("assertNotPaused", () => {
  it("refuses a two-step start of a paused type, naming who paused it and when", () => {
    const task = { id: "t1", type: "echo", state: "queued" };
    expect(() => assertNotPaused(task, [paused("sleep")])).not.toThrow();
    expect(() => assertNotPaused(task, [paused("echo")])).toThrow(TypePausedError);
    expect(() => assertNotPaused(task, [paused(ALL_TYPES)])).toThrow(
      "task t1 not started: queue paused by operator:alice at 2026-01-02T03:04:05.000Z",
    );
    expect(() => assertNotPaused(task, [paused("echo")])).toThrow(IllegalTransitionError);
  });
});

describe("isPinnedElsewhere", () => {
  it.each([
    [null, false],
    ["w-a", false],
    ["w-b", true],
  ] as const)("pin %s → %s for w-a", (pin, expected) => {
    expect(isPinnedElsewhere({ pinnedWorkerId: pin }, "w-a")).toBe(expected);
  });
});

describe("assertStartableBy", () => {
  it.each([
    ["queued", null, null],
    ["failed", "w-a", null],
    ["running", null, IllegalTransitionError],
    ["succeeded", null, IllegalTransitionError],
    ["queued", "w-b", ValidationError],
  ] as const)("state %s, pin %s → %s", (state, pin, error) => {
    const start = () => assertStartableBy({ id: "t1", state, pinnedWorkerId: pin }, "w-a");
    if (error === null) expect(start).not.toThrow();
    else expect(start).toThrow(error);
  });

  it("names the field and the pinned worker", () => {
    expect(() => assertStartableBy({ id: "t1", state: "queued", pinnedWorkerId: "w-b" }, "w-a")).toThrow(
      'invalid workerId: expected the worker task t1 is pinned to (w-b), got "w-a"',
    );
  });
});

describe("compareClaimOrder", () => {
  it("orders by priority, then creation (not runAt), then id", () => {
    const t = (id: string, priority: number, createdAt: number) => ({ id, priority, createdAt });
    const tasks = [t("c", 0, 30), t("recovered", 0, 10), t("b", 0, 20), t("a", 0, 20), t("urgent", 5, 40)];
    expect(tasks.sort(compareClaimOrder).map((x) => x.id)).toEqual(["urgent", "recovered", "a", "b", "c"]);
  });
});

describe("whyNoWorkerCanRun", () => {
  const live = { state: "ACTIVE" as const, lastHeartbeatAt: NOW - 100, leaseMs: 1000, drainRequested: false };
  const w = (id: string, change: Record<string, unknown> = {}) => ({
    id,
    supportedTaskTypes: ["echo"],
    ...live,
    ...change,
  });
  const task = (type: string, pinnedWorkerId: string | null = null) => ({ type, pinnedWorkerId });
  it.each([
    ["a live worker supports it", task("echo"), [w("a")], null],
    ["a busy live worker supports it", task("echo"), [w("a", { state: "BUSY" })], null],
    ["no worker at all", task("echo"), [], "no live worker"],
    ["only a worker whose lease ran out", task("echo"), [w("a", { lastHeartbeatAt: NOW - 1000 })], "no live worker"],
    ["only stale workers", task("echo"), [w("a", { state: "STALE" })], "no live worker"],
    [
      "every live worker draining",
      task("echo"),
      [w("a", { state: "DRAINING" }), w("b", { drainRequested: true })],
      "every live worker is draining",
    ],
    ["no handler for the type", task("other"), [w("a")], "no live worker supports type other"],
    [
      "the type only on a draining worker",
      task("other"),
      [w("a"), w("b", { state: "DRAINING", supportedTaskTypes: ["other"] })],
      "no live worker supports type other",
    ],
    ["pinned to a live worker with the handler", task("echo", "a"), [w("a")], null],
    ["pinned to a gone worker", task("echo", "gone"), [w("a")], "pinned to worker gone, which is not live"],
    [
      "pinned to a draining worker",
      task("echo", "a"),
      [w("a", { drainRequested: true })],
      "pinned to worker a, which is draining",
    ],
    [
      "pinned to a worker without the handler",
      task("other", "a"),
      [w("a")],
      "pinned to worker a, which has no handler for type other",
    ],
  ] as const)("%s", (_name, t, workers, expected) => {
    expect(whyNoWorkerCanRun(t, workers as never, NOW, [])).toBe(expected);
  });

  it("names a paused type (or queue) first, with who paused it and when", () => {
    const t = { type: "echo", pinnedWorkerId: null };
    expect(whyNoWorkerCanRun(t, [], NOW, [paused("echo")])).toBe(
      "type echo paused by operator:alice at 2026-01-02T03:04:05.000Z",
    );
    expect(whyNoWorkerCanRun(t, [], NOW, [paused(ALL_TYPES), paused("echo")])).toBe(
      "type echo paused by operator:alice at 2026-01-02T03:04:05.000Z",
    );
    expect(whyNoWorkerCanRun(t, [], NOW, [paused(ALL_TYPES)])).toBe(
      "queue paused by operator:alice at 2026-01-02T03:04:05.000Z",
    );
  });
});
