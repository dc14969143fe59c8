import { expect, it } from "vitest";
import type { Lock } from "../../../domain/lock.js";
import type { Task } from "../../../domain/task.js";
import { LeaseLostError, StaleFencingTokenError } from "../../../errors.js";
import type {
  ClaimRequest,
  CompleteAndClaimResult,
  CompletionOutcome,
  CompletionRequest,
  CoordinationStore,
} from "../../port.js";
import { type ContractContext, claimMeta, registration, rejectionOf, taskInput } from "../harness.js";

type Claim = { task: Task; lock: Lock };

/**
 * `completeAndClaim` is optional on the port; the worker falls back to completing the batch
 * (`completeTasks`, or one `completeTask` each) and then claiming (`claimTasks`). These cases
 * hold a backend to the same outcomes either way, so they exercise the combined method
 * wherever a backend has it and the fallback where it does not.
 */
async function completeAndClaim(
  store: CoordinationStore,
  req: { completions: CompletionRequest[]; claim: ClaimRequest },
): Promise<CompleteAndClaimResult> {
  if (store.completeAndClaim) return store.completeAndClaim(req);
  const outcomes = store.completeTasks
    ? await store.completeTasks(req.completions)
    : await Promise.all(
        req.completions.map((i) =>
          store.completeTask(i.taskId, i.token, i.result === undefined ? {} : { result: i.result }).then(
            (task): CompletionOutcome => ({ ok: true, task }),
            (error: Error): CompletionOutcome => ({ ok: false, error }),
          ),
        ),
      );
  return { outcomes, claimed: await store.claimTasks(req.claim) };
}

async function claimNew(store: CoordinationStore, workerId: string, count: number): Promise<Claim[]> {
  const created = await Promise.all(
    Array.from({ length: count }, () => store.createTask(taskInput(), "operator:test")),
  );
  const claims = await store.claimTasks({ workerId, taskIds: created.map((t) => t.id), metadata: claimMeta });
  if (claims.length !== count) throw new Error(`claimed ${claims.length} of ${count} fresh tasks`);
  return claims;
}

function nth<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

export function completeAndClaimCases(ctx: ContractContext): void {
  it("fences each completion on its own and claims the next tasks under live locks that are really held", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-b"));
    const done = await claimNew(store, "w-a", 3);
    const [ok, stale, cancelled] = [nth(done, 0), nth(done, 1), nth(done, 2)];
    await store.cancelTask(cancelled.task.id, { actor: "operator:test", reason: "contract" });
    const foreign = nth(await claimNew(store, "w-b", 1), 0);
    const next = await Promise.all(Array.from({ length: 3 }, () => store.createTask(taskInput(), "operator:test")));

    const result = await completeAndClaim(store, {
      completions: [
        { taskId: ok.task.id, token: ok.lock.token, result: { n: 1 } },
        { taskId: stale.task.id, token: stale.lock.token + 1 },
        { taskId: cancelled.task.id, token: cancelled.lock.token },
      ],
      // The task completed in this very call and one held by another worker are candidates too: neither may be claimed.
      claim: { workerId: "w-a", taskIds: [ok.task.id, foreign.task.id, ...next.map((t) => t.id)], metadata: claimMeta },
    });

    expect(result.outcomes).toHaveLength(3);
    expect(result.outcomes[0]).toMatchObject({
      ok: true,
      task: { id: ok.task.id, state: "succeeded", result: { n: 1 } },
    });
    expect(result.outcomes[1]?.ok === false && result.outcomes[1].error).toBeInstanceOf(StaleFencingTokenError);
    expect(result.outcomes[2]?.ok === false && result.outcomes[2].error).toBeInstanceOf(StaleFencingTokenError);
    expect(await store.getTask(ok.task.id)).toMatchObject({ state: "succeeded", result: { n: 1 } });
    expect(await store.getLock(ok.task.id)).toBeNull();
    expect(await store.getTask(stale.task.id)).toMatchObject({ state: "running", fencingToken: stale.lock.token });
    expect((await store.getLock(stale.task.id))?.token).toBe(stale.lock.token);
    expect((await store.getTask(cancelled.task.id))?.state).toBe("cancelled");

    expect(result.claimed.map((c) => c.task.id).sort()).toEqual(next.map((t) => t.id).sort());
    for (const { task, lock } of result.claimed) {
      expect(task).toMatchObject({ state: "running", workerId: "w-a", fencingToken: lock.token, attempts: 1 });
      expect(lock).toMatchObject({ taskId: task.id, ownerId: "w-a" });
      expect(await store.getTask(task.id)).toMatchObject({
        state: "running",
        workerId: "w-a",
        fencingToken: lock.token,
      });
      expect(await store.getLock(task.id)).toMatchObject({ ownerId: "w-a", token: lock.token });
    }
    // Held: another worker can neither lock nor claim them, and the foreign lock is untouched.
    const first = nth(result.claimed, 0);
    const attempt = await store.acquireLock({
      taskId: first.task.id,
      ownerId: "w-b",
      ttlMs: 60_000,
      metadata: { ...claimMeta, taskType: "demo" },
    });
    expect(attempt.acquired).toBe(false);
    expect(
      await store.claimTasks({ workerId: "w-b", taskIds: result.claimed.map((c) => c.task.id), metadata: claimMeta }),
    ).toEqual([]);
    expect(await store.getLock(foreign.task.id)).toMatchObject({ ownerId: "w-b", token: foreign.lock.token });
    // And the tokens handed out are the ones that complete them.
    const finished = await completeAndClaim(store, {
      completions: result.claimed.map((c) => ({ taskId: c.task.id, token: c.lock.token })),
      claim: { workerId: "w-a", taskIds: [], metadata: claimMeta },
    });
    expect(finished.outcomes.map((o) => o.ok)).toEqual(result.claimed.map(() => true));
    expect(finished.claimed).toEqual([]);
  });

  it("refuses the claim of a worker without a lease; the combined call then writes none of its completions", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const held = nth(await claimNew(store, "w-a", 1), 0);
    const candidate = await store.createTask(taskInput(), "operator:test");

    const refusal = await rejectionOf(
      completeAndClaim(store, {
        completions: [{ taskId: held.task.id, token: held.lock.token }],
        claim: { workerId: "w-nobody", taskIds: [candidate.id], metadata: claimMeta },
      }),
    );

    expect(refusal).toBeInstanceOf(LeaseLostError);
    expect((await store.getTask(candidate.id))?.state).toBe("queued");
    expect(await store.getLock(candidate.id)).toBeNull();
    if (store.completeAndClaim) {
      // One transaction: the refused claim rolls the completion back with it.
      expect(await store.getTask(held.task.id)).toMatchObject({ state: "running", fencingToken: held.lock.token });
      expect((await store.getLock(held.task.id))?.token).toBe(held.lock.token);
    } else {
      // Two calls: the completion went first and stands.
      expect((await store.getTask(held.task.id))?.state).toBe("succeeded");
    }
  });
}
