import { expect, it } from "vitest";
import type { Lock } from "../../../domain/lock.js";
import type { Task } from "../../../domain/task.js";
import { IllegalTransitionError, StaleFencingTokenError } from "../../../errors.js";
import type { CompletionOutcome, CompletionRequest, CoordinationStore } from "../../port.js";
import { type ContractContext, claimMeta, registration, taskInput } from "../harness.js";

/**
 * `completeTasks` is optional on the port; callers fall back to one `completeTask` each. These
 * cases hold a backend to the same per-item outcomes either way, so they exercise the batch
 * method wherever a backend has it.
 */
async function completeMany(store: CoordinationStore, items: CompletionRequest[]): Promise<CompletionOutcome[]> {
  if (store.completeTasks) return store.completeTasks(items);
  return Promise.all(
    items.map((i) =>
      store.completeTask(i.taskId, i.token, i.result === undefined ? {} : { result: i.result }).then(
        (task): CompletionOutcome => ({ ok: true, task }),
        (error: Error): CompletionOutcome => ({ ok: false, error }),
      ),
    ),
  );
}

async function claimFresh(store: CoordinationStore, count: number): Promise<Array<{ task: Task; lock: Lock }>> {
  await store.registerWorker(registration("w-a"));
  const created = await Promise.all(
    Array.from({ length: count }, () => store.createTask(taskInput(), "operator:test")),
  );
  const claims = await store.claimTasks({ workerId: "w-a", taskIds: created.map((t) => t.id), metadata: claimMeta });
  if (claims.length !== count) throw new Error(`claimed ${claims.length} of ${count} fresh tasks`);
  return claims;
}

function nth<T>(list: T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

export function batchCompletionCases(ctx: ContractContext): void {
  it("completes a batch with per-item fencing: a stale token or a task no longer running refuses only that item", async () => {
    const store = ctx.store();
    const claims = await claimFresh(store, 4);
    const [a, b, c, d] = [0, 1, 2, 3].map((i) => nth(claims, i)) as [
      (typeof claims)[number],
      (typeof claims)[number],
      (typeof claims)[number],
      (typeof claims)[number],
    ];
    await store.cancelTask(c.task.id, { actor: "operator:test", reason: "contract" });
    await store.forceReleaseLock(d.task.id, { actor: "operator:test", reason: "contract" });

    const outcomes = await completeMany(store, [
      { taskId: a.task.id, token: a.lock.token, result: { n: 1 } },
      { taskId: b.task.id, token: b.lock.token + 1 },
      { taskId: c.task.id, token: c.lock.token },
      { taskId: d.task.id, token: d.lock.token },
    ]);

    expect(outcomes).toHaveLength(4);
    expect(outcomes[0]).toMatchObject({ ok: true, task: { id: a.task.id, state: "succeeded", result: { n: 1 } } });
    expect(outcomes[1]?.ok === false && outcomes[1].error).toBeInstanceOf(StaleFencingTokenError);
    expect(outcomes[2]?.ok === false && outcomes[2].error).toBeInstanceOf(StaleFencingTokenError);
    expect(outcomes[3]?.ok === false && outcomes[3].error).toBeInstanceOf(StaleFencingTokenError);

    expect(await store.getTask(a.task.id)).toMatchObject({ state: "succeeded", result: { n: 1 } });
    expect(await store.getLock(a.task.id)).toBeNull();
    expect(await store.getTask(b.task.id)).toMatchObject({ state: "running", fencingToken: b.lock.token });
    expect((await store.getLock(b.task.id))?.token).toBe(b.lock.token);
    expect((await store.getTask(c.task.id))?.state).toBe("cancelled");
    expect((await store.getTask(d.task.id))?.state).toBe("running");
  });

  it("refuses a completion for a task that already succeeded, without touching the rest of the batch", async () => {
    const store = ctx.store();
    const claims = await claimFresh(store, 2);
    const first = nth(claims, 0);
    const second = nth(claims, 1);
    await store.completeTask(first.task.id, first.lock.token);
    const fromId = (await store.readEvents(0, 10_000)).at(-1)?.id ?? 0;

    const outcomes = await completeMany(store, [
      { taskId: first.task.id, token: first.lock.token },
      { taskId: second.task.id, token: second.lock.token },
    ]);

    expect(outcomes[0]?.ok).toBe(false);
    const refusal = outcomes[0]?.ok === false ? outcomes[0].error : null;
    expect(refusal instanceof IllegalTransitionError || refusal instanceof StaleFencingTokenError).toBe(true);
    expect(outcomes[1]).toMatchObject({ ok: true, task: { id: second.task.id, state: "succeeded" } });
    const events = (await store.readEvents(fromId, 100)).filter(
      (e) => e.taskId === first.task.id || e.taskId === second.task.id,
    );
    expect(events.filter((e) => e.taskId === first.task.id)).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(["task.succeeded", "lock.released"]));
  });
}
