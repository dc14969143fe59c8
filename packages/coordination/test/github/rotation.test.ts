import type { Emulator } from "@sentinel/github-emulator";
import { waitForLeaseLapse } from "@sentinel/test-support/clock";
import { OWNER, openPerTest, openTestStore, REPO } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { registration } from "../../src/store/contract/harness.js";

const open = openPerTest();

function registryIssues(em: Emulator): Array<{ number: number; state: string; body: string | null }> {
  return (em.state.repo(OWNER, REPO)?.visibleIssues() ?? []).filter((issue) =>
    issue.labels.includes("sentinel:registry"),
  );
}

/** Workers as a process that opens the store now sees them (nothing from this store's mirror). */
async function listedByNewcomer(em: Emulator): Promise<unknown[]> {
  const newcomer = await openTestStore(em, "bot-token");
  try {
    return await newcomer.listWorkers({ includeRemoved: true });
  } finally {
    await newcomer.close();
  }
}

describe("issue rotation before GitHub's comment cap", () => {
  it("moves memory to a new issue with a snapshot that keeps versions, and loses no write", async () => {
    // A cap of 12 comments stands in for GitHub's ~2,500; rotation starts at 10.
    const { emulator, store } = await open({ commentCap: 12 }, { rotateAtComments: 10, refreshIntervalMs: 0 });
    const written = [];
    for (let i = 0; i < 25; i++) written.push(await store.memorySet(`global/k${i % 7}`, i, "w-a"));
    const latest = new Map(written.map((entry) => [entry.key, entry]));
    for (const [key, entry] of latest)
      expect(await store.memoryGet(key)).toMatchObject({ value: entry.value, version: entry.version });
    const memoryIssues = (emulator.state.repo(OWNER, REPO)?.visibleIssues() ?? []).filter((issue) =>
      issue.labels.includes("sentinel:memory"),
    );
    expect(memoryIssues.length).toBeGreaterThan(1);
    expect(memoryIssues.filter((issue) => issue.state === "open")).toHaveLength(1);
    expect(Math.max(...memoryIssues.map((issue) => issue.comments))).toBeLessThanOrEqual(12);
  });

  it("closes a rotated registry issue once no live worker is left on it, carrying lapsed workers over", async () => {
    const { emulator, store } = await open({ commentCap: 12 }, { rotateAtComments: 10 });
    // Seven workers that lapse, one with an op about it, and two live ones: 10 comments.
    for (let i = 0; i < 6; i++)
      await store.registerWorker(registration(`w-f${i}`, { leaseMs: 300, heartbeatIntervalMs: 100 }));
    await store.registerWorker(registration("w-gone", { leaseMs: 300, heartbeatIntervalMs: 100 }));
    await store.registerWorker(registration("w-1"));
    await store.registerWorker(registration("w-2"));
    await waitForLeaseLapse(store, "w-gone");
    // The monitor's op lands on the first registry issue, which now holds 10 comments.
    await store.transitionWorker("w-gone", "STALE", {
      expectedFrom: ["ACTIVE", "BUSY", "DRAINING"],
      onlyIfLeaseExpired: true,
      actor: "monitor",
      reason: "silent",
    });
    const before = await listedByNewcomer(emulator);

    // The next registry write rotates; w-1 and w-2 are live and still registered on the first issue.
    await store.heartbeat("w-1", { activeTasks: 0 });
    const [first, second] = registryIssues(emulator);
    expect(second?.state).toBe("open");
    expect(first?.state).toBe("open");
    // w-1 moves; w-2 is still only on the first issue, so it stays open.
    await store.heartbeat("w-1", { activeTasks: 0 });
    expect(registryIssues(emulator)[0]?.state).toBe("open");
    expect(await listedByNewcomer(emulator)).toHaveLength(9);

    // w-2 moves: only lapsed workers are left there; they are carried over and the issue closed.
    await store.heartbeat("w-2", { activeTasks: 0 });
    const after = registryIssues(emulator);
    expect(after.map((issue) => issue.state)).toEqual(["closed", "open"]);
    expect(after[0]?.body).toContain(`#${after[1]?.number}`);
    const listed = (await listedByNewcomer(emulator)) as Array<{ id: string }>;
    expect(listed.map((worker) => worker.id)).toEqual([
      "w-1",
      "w-2",
      "w-f0",
      "w-f1",
      "w-f2",
      "w-f3",
      "w-f4",
      "w-f5",
      "w-gone",
    ]);
    // Lapsed workers read exactly as before: state (w-gone's from the op), heartbeat time, lease.
    const lapsed = (records: unknown[]): unknown[] =>
      (records as Array<{ id: string }>).filter((worker) => worker.id !== "w-1" && worker.id !== "w-2");
    expect(lapsed(listed)).toEqual(lapsed(before));
    const gone = (records: unknown[]): unknown =>
      (records as Array<{ id: string }>).find((worker) => worker.id === "w-gone");
    expect(gone(listed)).toMatchObject({ state: "STALE" });

    // It can come back on the new issue.
    expect(await store.heartbeat("w-gone", { activeTasks: 0 })).toMatchObject({ state: "ACTIVE" });
    expect(gone(await listedByNewcomer(emulator))).toMatchObject({ state: "ACTIVE" });
  });
});
