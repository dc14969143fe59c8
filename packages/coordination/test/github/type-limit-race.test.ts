import { closedAfterEach, fastStoreOptions, TOKENS } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import type { TypeLimitChange } from "../../src/domain/task-type-limit.js";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import type { GithubStore } from "../../src/store/github/github-store.js";

const opened = closedAfterEach();
const STORES = 4;

/**
 * Four stores over one emulator stand for four worker processes: each has its own mirror and
 * sees nothing running when it claims, so only the check after the settle delay (where each
 * lock stands among all the type's claims, store/github/tasks/type-limit-gate.ts) keeps the
 * limit. Each claims two tasks no other store wants, so without that check all eight start.
 */
async function racingStores(limit: TypeLimitChange): Promise<{ stores: GithubStore[]; batches: string[][] }> {
  const emulator = await opened.emulator();
  const stores: GithubStore[] = [];
  for (let i = 0; i < STORES; i++) {
    const store = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await store.registerWorker(registration(`w-${i}`));
    stores.push(store);
  }
  const [first] = stores;
  if (!first) throw new Error("no store");
  await first.setTaskTypeLimit("demo", limit, "operator:test");
  const batches: string[][] = [];
  for (let i = 0; i < STORES; i++) {
    const batch: string[] = [];
    for (let j = 0; j < 2; j++) batch.push((await first.createTask(taskInput(), "operator:test")).id);
    batches.push(batch);
  }
  return { stores, batches };
}

function claimAll(stores: GithubStore[], batches: string[][]) {
  return Promise.all(
    stores.map((store, i) => store.claimTasks({ workerId: `w-${i}`, taskIds: batches[i] ?? [], metadata: claimMeta })),
  ).then((claims) => claims.flat());
}

describe("per-type limits on GitHub with claimants racing from separate processes", () => {
  it("starts exactly the concurrency limit when four stores claim different tasks at once; one more once one ends", async () => {
    const { stores, batches } = await racingStores(2);
    const claimed = await claimAll(stores, batches);
    expect(claimed).toHaveLength(2);
    const [observer] = stores;
    if (!observer) throw new Error("no store");
    expect((await observer.listTasks({ states: ["running"], types: ["demo"] })).items).toHaveLength(2);
    // The locks given back are free: nothing is held that is not running.
    expect(await observer.listLocks()).toHaveLength(2);

    const done = claimed[0];
    if (!done) throw new Error("two were claimed");
    const owner = stores[Number(done.lock.ownerId.slice(2))];
    await owner?.completeTask(done.task.id, done.lock.token);
    const next = await claimAll(stores, batches);
    expect(next).toHaveLength(1);
    expect((await observer.listTasks({ states: ["running"], types: ["demo"] })).items).toHaveLength(2);
  });

  it("starts exactly the starts limit within its window, and ending them frees none", async () => {
    const { stores, batches } = await racingStores({ starts: { maxStarts: 3, intervalMs: 600_000 } });
    const claimed = await claimAll(stores, batches);
    expect(claimed).toHaveLength(3);
    for (const c of claimed) await stores[Number(c.lock.ownerId.slice(2))]?.completeTask(c.task.id, c.lock.token);
    expect(await claimAll(stores, batches)).toEqual([]);
    const [observer] = stores;
    expect((await observer?.listTasks({ states: ["succeeded"], types: ["demo"] }))?.items).toHaveLength(3);
  });
});
