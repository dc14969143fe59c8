import type { Emulator } from "@sentinel/github-emulator";
import { FAST_THROTTLE, openTestStore, startStoreEmulator } from "@sentinel/test-support/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import type { GithubStore } from "../../src/store/github/index.js";

let emulator: Emulator | null = null;
let stores: GithubStore[] = [];

afterEach(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await emulator?.close();
  stores = [];
  emulator = null;
});

/** GitHub's secondary limit with its documented values (emulator defaults), and the store's matching budget. */
const GITHUB_LIMITS = { perMinute: 80, perHour: 500, status: 403 } as const;
const DEFAULT_HEARTBEAT = { heartbeatIntervalMs: 30_000, leaseMs: 120_000 };

async function open(token: string, overrides: Parameters<typeof openTestStore>[2] = {}): Promise<GithubStore> {
  if (!emulator) throw new Error("start the emulator first");
  const store = await openTestStore(emulator, token, { writeBudget: {}, ...overrides });
  stores.push(store);
  return store;
}

describe("one login's write budget shared by its workers", () => {
  it("stretches heartbeat interval and lease by the number of live workers on the login, and shows the effective values", async () => {
    emulator = await startStoreEmulator({
      users: [
        { login: "sentinel-bot", token: "bot-token" },
        { login: "other-bot", token: "other-token" },
      ],
      secondaryRateLimit: GITHUB_LIMITS,
    });
    const alone = await open("bot-token");
    // One worker may beat every 18 s within 40 % of 500/h: the default 30 s stays.
    const first = await alone.registerWorker(registration("w-0", DEFAULT_HEARTBEAT));
    expect(first).toMatchObject({ heartbeatIntervalMs: 30_000, leaseMs: 120_000 });

    const peers = [alone, ...(await Promise.all(Array.from({ length: 7 }, () => open("bot-token"))))];
    for (const [i, store] of peers.entries())
      if (i > 0) await store.registerWorker(registration(`w-${i}`, DEFAULT_HEARTBEAT));
    const beats = [];
    for (const [i, store] of peers.entries()) beats.push(await store.heartbeat(`w-${i}`, { activeTasks: 0 }));
    // Eight workers share 200 heartbeats/h: one every 144 s each, the lease scaled by the same 4.8.
    for (const beat of beats) expect(beat).toMatchObject({ heartbeatIntervalMs: 144_000, leaseMs: 576_000 });
    expect(alone.budget().effective).toMatchObject({
      heartbeatIntervalMs: 144_000,
      leaseMs: 576_000,
      heartbeatStretch: 4.8,
      writersOnLogin: 8,
      writeShare: 1 / 8,
    });
    expect(alone.budget().effective.writesPerMinute).toBe(Math.floor((80 * 0.9) / 8));

    // Everyone reading the registry sees the effective values (the monitor judges staleness by them).
    const other = await open("other-token", { allowedAuthors: ["sentinel-bot", "other-bot"] });
    expect(await other.getWorker("w-3")).toMatchObject({ heartbeatIntervalMs: 144_000, leaseMs: 576_000 });
    // A worker on another login has its own budget.
    expect(await other.registerWorker(registration("x-0", DEFAULT_HEARTBEAT))).toMatchObject({
      heartbeatIntervalMs: 30_000,
      leaseMs: 120_000,
    });

    // Never below the configured interval, and back down as workers leave.
    for (const [i, store] of peers.entries()) {
      if (i < 2) continue;
      await store.transitionWorker(`w-${i}`, "DRAINING", { actor: `w-${i}`, reason: "stopping" });
      await store.transitionWorker(`w-${i}`, "REMOVED", { actor: `w-${i}`, reason: "stopped" });
    }
    // (A beat with news is written at once; one without news before half the interval is skipped, the old lease covering.)
    expect(await alone.heartbeat("w-0", { activeTasks: 1 })).toMatchObject({
      heartbeatIntervalMs: 36_000,
      leaseMs: 144_000,
    });
    expect(alone.budget().effective).toMatchObject({
      heartbeatIntervalMs: 36_000,
      leaseMs: 144_000,
      writersOnLogin: 2,
    });
  });

  it("keeps 8 busy workers on one token under GitHub's secondary limit (80/min, 500/h) for over an emulated hour", async () => {
    // The emulator's clock runs RATE times faster than real time, so its sliding minute and
    // hour windows pass in 0.5 s and 30 s. Store-side durations given in store-clock ms
    // (heartbeat interval, lease, task timeout) scale with it; real waits are divided by RATE.
    const RATE = 120;
    const RUN_REAL_MS = 32_000;
    const TASK_MS = 60_000;
    // The lock's TTL. Nothing here is recovered, so it only has to outlast the run: at 30 min
    // (15 s real) a completion that waited in a loaded machine's event loop and write budget
    // landed past it and was rightly refused as a late outcome (docs/github-backend.md).
    const TASK_TIMEOUT_MS = 2 * 3_600_000;
    emulator = await startStoreEmulator({
      users: [
        { login: "sentinel-bot", token: "bot-token" },
        { login: "producer", token: "producer-token" },
      ],
      clock: { rate: RATE },
      secondaryRateLimit: GITHUB_LIMITS,
    });
    const throttle = { ...FAST_THROTTLE, retryAfterBaseMs: Math.ceil(1000 / RATE) };
    // Tasks come from the producer's own token (its writes count on its login, not the workers').
    const allowedAuthors = ["sentinel-bot", "producer"];
    // Between two responses a store's clock advances at real speed while the emulator's runs
    // RATE times faster, so a record is signed up to RATE × (real gap) before GitHub stamps it:
    // the signature-age window scales like the other durations (1 h emulated = 30 s real).
    const maxSignatureAgeMs = 3_600_000;
    const producer = await open("producer-token", { throttle, allowedAuthors, maxSignatureAgeMs });
    const workers = await Promise.all(
      Array.from({ length: 8 }, () =>
        open("bot-token", { throttle, allowedAuthors, maxSignatureAgeMs, writeBudget: { recheckMs: 10 } }),
      ),
    );
    for (const [i, store] of workers.entries())
      await store.registerWorker(registration(`w-${i}`, { ...DEFAULT_HEARTBEAT, maxConcurrency: 1 }));

    const deadline = performance.now() + RUN_REAL_MS;
    const realMs = (storeMs: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, storeMs / RATE));
    const completed: string[] = [];
    const lapses: string[] = [];
    let busySeen = 0;

    // The producer keeps a backlog, so every worker always has work.
    const produce = async (): Promise<void> => {
      while (performance.now() < deadline) {
        const open = await producer.listTasks({ states: ["queued"], limit: 100 });
        for (let i = open.items.length; i < 12; i++)
          await producer.createTask(taskInput({ timeoutMs: TASK_TIMEOUT_MS }), "producer");
        await realMs(30_000);
      }
    };
    const working = new Set<string>();
    // A store's clock moves with the Date headers of its responses, so heartbeats go on until its work loop has
    // finished (a write held for budget past the deadline is judged on that clock).
    const beat = async (store: GithubStore, id: string): Promise<void> => {
      let interval = DEFAULT_HEARTBEAT.heartbeatIntervalMs;
      while (performance.now() < deadline || working.has(id)) {
        await realMs(interval);
        const active = (await store.listTasks({ states: ["running"], workerId: id, limit: 10 })).items.length;
        const record = await store.heartbeat(id, { activeTasks: active });
        if (record.state === "BUSY") busySeen += 1;
        interval = record.heartbeatIntervalMs;
      }
    };
    // Like assignment by agreement, worker i takes the i-th claimable task, so claims rarely collide.
    const work = async (store: GithubStore, id: string, index: number): Promise<void> => {
      working.add(id);
      while (performance.now() < deadline) {
        const claimable = await store.listClaimable({ types: ["demo"], workerId: id, limit: 8 });
        const pick = claimable[index % Math.max(1, claimable.length)];
        const [claim] = pick ? await store.claimTasks({ workerId: id, taskIds: [pick.id], metadata: claimMeta }) : [];
        if (!claim) {
          // Polls are scaled like everything else; polling faster only burns the CPU the emulator and the beats need.
          await realMs(30_000);
          continue;
        }
        await realMs(TASK_MS);
        await store.completeTask(claim.task.id, claim.lock.token, { result: { by: id } });
        completed.push(claim.task.id);
      }
      working.delete(id);
    };
    const watch = async (): Promise<void> => {
      while (performance.now() < deadline) {
        await realMs(60_000);
        const now = await producer.now();
        for (const worker of await producer.listWorkers())
          if (now >= worker.lastHeartbeatAt + worker.leaseMs) lapses.push(worker.id);
      }
    };
    const startedAt = emulator.clock.now();
    await Promise.all([
      produce(),
      watch(),
      ...workers.flatMap((store, i) => [beat(store, `w-${i}`), work(store, `w-${i}`, i)]),
    ]);
    const emulatedMs = emulator.clock.now() - startedAt;

    expect(emulatedMs).toBeGreaterThan(3_600_000);
    expect(emulator.stats().counters.secondaryLimited).toBe(0);
    expect(lapses).toEqual([]);
    expect(busySeen).toBeGreaterThan(0);
    // Work got done within the budget: each worker completes tasks, and none was done twice.
    expect(new Set(completed).size).toBe(completed.length);
    expect(completed.length).toBeGreaterThanOrEqual(40);
    for (const store of workers) {
      expect(store.budget().secondary.hits).toBe(0);
      expect(store.budget().effective.writersOnLogin).toBe(8);
    }
  }, 90_000);
});
