import { expect, it } from "vitest";
import { LIMITS } from "../../../domain/limits.js";
import type { Lock } from "../../../domain/lock.js";
import type { Task } from "../../../domain/task.js";
import { IllegalTransitionError, StaleFencingTokenError } from "../../../errors.js";
import type { CoordinationStore } from "../../port.js";
import {
  type ContractContext,
  claimMeta,
  expectValidationError,
  registration,
  rejectionOf,
  taskInput,
} from "../harness.js";

async function runningTask(store: CoordinationStore): Promise<{ task: Task; lock: Lock }> {
  await store.registerWorker(registration("w-log"));
  const task = await store.createTask(taskInput(), "operator:test");
  const [claim] = await store.claimTasks({ workerId: "w-log", taskIds: [task.id], metadata: claimMeta });
  if (!claim) throw new Error("claim must succeed");
  return claim;
}

const lines = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ level: "info" as const, message: `line ${from + i}` }));

export function taskLogCases(ctx: ContractContext): void {
  it("keeps the running attempt's lines in order and its latest progress, with the attempt and store time", async () => {
    const store = ctx.store();
    expect(store.taskLogFlushMs).toBeGreaterThan(0);
    const { task, lock } = await runningTask(store);
    expect(await store.getTaskLog(task.id)).toEqual({
      taskId: task.id,
      progress: null,
      lines: [],
      dropped: 0,
      updatedAt: null,
    });
    const before = await store.now();
    await store.appendTaskLog(task.id, lock.token, {
      lines: [
        { level: "info", message: "starting", fields: { rows: 3 } },
        { level: "warn", message: "slow disk" },
      ],
      progress: { fraction: 0.25, message: "1 of 4" },
    });
    await store.appendTaskLog(task.id, lock.token, { lines: [{ level: "error", message: "retrying row 2" }] });
    await store.appendTaskLog(task.id, lock.token, { lines: [], progress: { fraction: 0.5, message: null } });
    const log = await store.getTaskLog(task.id);
    expect(log?.lines.map((line) => [line.level, line.message, line.attempt])).toEqual([
      ["info", "starting", 1],
      ["warn", "slow disk", 1],
      ["error", "retrying row 2", 1],
    ]);
    expect(log?.lines[0]?.fields).toEqual({ rows: 3 });
    expect(log?.progress).toMatchObject({ fraction: 0.5, message: null, attempt: 1 });
    expect(log?.dropped).toBe(0);
    for (const line of log?.lines ?? []) expect(line.at).toBeGreaterThanOrEqual(before);
    expect(log?.updatedAt).toBeGreaterThanOrEqual(log?.lines[2]?.at ?? Infinity);
    expect(await store.getTaskLog("no-such-task")).toBeNull();
  });

  it("rotates to the newest lines within the limits and counts what it dropped; long lines are cut and marked", async () => {
    const store = ctx.store();
    const { task, lock } = await runningTask(store);
    const perBatch = LIMITS.taskLogLines / 2;
    for (let batch = 0; batch < 3; batch++)
      await store.appendTaskLog(task.id, lock.token, { lines: lines(batch * perBatch, perBatch) });
    await store.appendTaskLog(task.id, lock.token, {
      lines: [{ level: "debug", message: "x".repeat(LIMITS.logLineChars * 3) }],
      dropped: 7,
    });
    const log = await store.getTaskLog(task.id);
    expect(log?.lines).toHaveLength(LIMITS.taskLogLines);
    expect(log?.lines[0]?.message).toBe(`line ${perBatch + 1}`);
    expect(log?.lines.at(-2)?.message).toBe(`line ${3 * perBatch - 1}`);
    const long = log?.lines.at(-1)?.message ?? "";
    expect(long).toHaveLength(LIMITS.logLineChars);
    expect(long.endsWith("…[truncated]")).toBe(true);
    expect(log?.dropped).toBe(perBatch + 1 + 7);
  });

  it("fences writes like the attempt's others: a finished attempt and a superseded token are refused", async () => {
    const store = ctx.store();
    const { task, lock } = await runningTask(store);
    await store.appendTaskLog(task.id, lock.token, { lines: lines(0, 1) });
    await store.requeueTask(task.id, { actor: "operator:test", reason: "contract" });
    expect(await rejectionOf(store.appendTaskLog(task.id, lock.token, { lines: lines(1, 1) }))).toBeInstanceOf(
      StaleFencingTokenError,
    );
    const [next] = await store.claimTasks({ workerId: "w-log", taskIds: [task.id], metadata: claimMeta });
    if (!next) throw new Error("second claim must succeed");
    await store.appendTaskLog(task.id, next.lock.token, {
      lines: lines(2, 1),
      progress: { fraction: 1, message: "done" },
    });
    await store.completeTask(task.id, next.lock.token);
    expect(await rejectionOf(store.appendTaskLog(task.id, next.lock.token, { lines: lines(3, 1) }))).toBeInstanceOf(
      IllegalTransitionError,
    );
    const log = await store.getTaskLog(task.id);
    expect(log?.lines.map((line) => [line.message, line.attempt])).toEqual([
      ["line 0", 1],
      ["line 2", 2],
    ]);
    expect(log?.progress).toMatchObject({ fraction: 1, message: "done", attempt: 2 });
  });

  it("a final batch (held or written) is readable once the attempt's outcome is recorded, with its event", async () => {
    const store = ctx.store();
    const { task, lock } = await runningTask(store);
    await store.appendTaskLog(task.id, lock.token, { lines: lines(0, 1), progress: { fraction: 0.5, message: null } });
    const { task: short, lock: shortLock } = await (async () => {
      const created = await store.createTask(taskInput(), "operator:test");
      const [claim] = await store.claimTasks({ workerId: "w-log", taskIds: [created.id], metadata: claimMeta });
      if (!claim) throw new Error("claim must succeed");
      return claim;
    })();
    // An attempt that logged before, and one whose only batch is its final one.
    await store.appendTaskLog(task.id, lock.token, { lines: lines(1, 1) }, { final: true });
    await store.appendTaskLog(
      short.id,
      shortLock.token,
      { lines: lines(0, 2), progress: { fraction: 1, message: "done" } },
      { final: true },
    );
    await store.completeTask(task.id, lock.token, { result: { ok: 1 } });
    await store.failTask(short.id, shortLock.token, { message: "boom", retryable: false, retryDelayMs: 0 });
    expect((await store.getTaskLog(task.id))?.lines.map((line) => line.message)).toEqual(["line 0", "line 1"]);
    const log = await store.getTaskLog(short.id);
    expect(log?.lines.map((line) => [line.message, line.attempt])).toEqual([
      ["line 0", 1],
      ["line 1", 1],
    ]);
    expect(log?.progress).toMatchObject({ fraction: 1, message: "done", attempt: 1 });
    expect((await store.getTask(short.id))?.state).toBe("dead");
    const events = await store.readEvents(0, 1000);
    expect(events.some((e) => e.kind === "task.log" && e.taskId === short.id)).toBe(true);
  });

  it("leaves one task.log event per write for followers", async () => {
    const store = ctx.store();
    const { task, lock } = await runningTask(store);
    await store.appendTaskLog(task.id, lock.token, { lines: lines(0, 2), progress: { fraction: 0.1, message: null } });
    const events = (await store.readEvents(0, 1000)).filter((e) => e.taskId === task.id && e.kind === "task.log");
    expect(events).toHaveLength(1);
    expect(events[0]?.workerId).toBe("w-log");
  });

  it("refuses malformed batches, naming the field", async () => {
    const store = ctx.store();
    const { task, lock } = await runningTask(store);
    const append = (batch: unknown, token = lock.token) =>
      store.appendTaskLog(task.id, token, batch as Parameters<CoordinationStore["appendTaskLog"]>[2]);
    await expectValidationError(append({ lines: [{ level: "loud", message: "x" }] }), "lines.0.level");
    await expectValidationError(append({ lines: [{ level: "info", message: 42 }] }), "lines.0.message");
    await expectValidationError(append({ lines: [], progress: { fraction: 1.5, message: null } }), "progress.fraction");
    await expectValidationError(append({ lines: lines(0, LIMITS.taskLogLines + 1) }), "lines");
    await expectValidationError(
      append({ lines: [{ level: "info", message: "x", fields: { blob: "y".repeat(LIMITS.logFieldsBytes) } }] }),
      "lines.0.fields",
    );
    await expectValidationError(append({ lines: [], extra: true }), "extra");
    await expectValidationError(append({ lines: [] }, 0), "token");
    expect((await store.getTaskLog(task.id))?.lines).toEqual([]);
  });
}
