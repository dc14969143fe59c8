import { waitFor } from "@sentinel/test-support";
import { waitForStoreTime } from "@sentinel/test-support/clock";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, openHarness, registration } from "./fixtures.js";

let h: Harness;
afterEach(async () => h?.close());

const pad = (i: number) => String(i).padStart(2, "0");

describe("workers router", () => {
  it("timelines return each heartbeat as soon as the syncer records it, up to the read instant", async () => {
    h = openHarness({ startSyncer: true });
    await h.store.registerWorker(registration("w1", { heartbeatIntervalMs: 100, leaseMs: 1_000 }));
    await h.store.registerWorker(registration("w2"));
    for (let i = 0; i < 8; i++) {
      const beat = await h.store.heartbeat("w1", { activeTasks: i % 2 });
      const read = await waitFor(
        async () => {
          const r = await h.anonymous.workers.timelines({ workerIds: ["w1", "w2", "gone"], windowMs: 60_000 });
          const w1 = r.timelines.find((t) => t.workerId === "w1");
          return w1?.heartbeats.at(-1)?.at === beat.lastHeartbeatAt ? { r, w1 } : undefined;
        },
        { timeoutMs: 2_000, what: `heartbeat ${i} on the timeline` },
      );
      expect(read.r.to).toBeGreaterThanOrEqual(beat.lastHeartbeatAt);
      expect(read.w1.lastHeartbeatAt).toBe(beat.lastHeartbeatAt);
      expect(read.r.timelines.map((t) => t.workerId)).toEqual(["w1", "w2"]);
      expect(read.w1.heartbeats.length).toBeGreaterThanOrEqual(i + 1);
    }
  });

  it("announces a heartbeat that changes nothing else as a heartbeat, not as a worker change", async () => {
    h = openHarness();
    await h.store.registerWorker(registration("w1"));
    await h.cp.syncer.syncOnce();
    await waitForStoreTime(h.store, await h.store.now()); // the beat gets an instant of its own
    await h.store.heartbeat("w1", { activeTasks: 0 });
    expect((await h.cp.syncer.syncOnce())?.kinds).toEqual(["heartbeats"]);
    await h.store.heartbeat("w1", { activeTasks: 3 });
    expect((await h.cp.syncer.syncOnce())?.kinds).toEqual(expect.arrayContaining(["heartbeats", "workers"]));
  });

  it("lists one filtered page with the filter's total", async () => {
    h = openHarness();
    for (let i = 0; i < 30; i++) {
      await h.store.registerWorker(
        registration(`w${pad(i)}`, {
          hostname: i % 3 === 0 ? `gpu-${i}.lab` : `cpu-${i}.lab`,
          supportedTaskTypes: i % 2 === 0 ? ["even"] : ["odd"],
        }),
      );
    }
    await h.store.transitionWorker("w05", "DRAINING", { expectedFrom: ["ACTIVE"], actor: "test", reason: "test" });
    await h.cp.syncer.syncOnce();

    const first = await h.anonymous.workers.list({ limit: 10 });
    expect(first.total).toBe(30);
    expect(first.items.map((w) => w.id)).toEqual(Array.from({ length: 10 }, (_, i) => `w${pad(i)}`));
    const last = await h.anonymous.workers.list({ limit: 10, offset: 20 });
    expect(last.items.map((w) => w.id)).toEqual(Array.from({ length: 10 }, (_, i) => `w${pad(i + 20)}`));

    const gpu = await h.anonymous.workers.list({ search: "GPU", limit: 100 });
    expect(gpu.total).toBe(10);
    expect(gpu.items.every((w) => w.hostname.startsWith("gpu-"))).toBe(true);
    expect((await h.anonymous.workers.list({ search: "%" })).total).toBe(0);

    const draining = await h.anonymous.workers.list({ state: "DRAINING" });
    expect(draining.items.map((w) => w.id)).toEqual(["w05"]);
    const odd = await h.anonymous.workers.list({ supportsType: "odd", leaseLiveOnly: true, limit: 100 });
    expect(odd.total).toBe(15);
    expect(odd.items.every((w) => w.leaseLive && w.supportedTaskTypes.includes("odd"))).toBe(true);
    await expect(h.anonymous.workers.list({ limit: 1_000 })).rejects.toThrow(/limit/);
  });

  it("summarises the registry with the busiest live workers first", async () => {
    h = openHarness();
    for (const [id, active] of [
      ["a", 1],
      ["b", 4],
      ["c", 0],
      ["d", 2],
    ] as const) {
      await h.store.registerWorker(registration(id, { maxConcurrency: 4 }));
      await h.store.heartbeat(id, { activeTasks: active });
    }
    await h.store.transitionWorker("d", "STALE", { expectedFrom: ["ACTIVE", "BUSY"], actor: "test", reason: "test" });
    await h.cp.syncer.syncOnce();
    const summary = await h.anonymous.workers.summary({ top: 2 });
    expect(summary.total).toBe(4);
    expect(summary.leaseLive).toBe(3);
    expect(summary.byState.STALE).toBe(1);
    expect(summary.capacity).toEqual({ used: 5, total: 12 });
    expect(summary.busiest.map((w) => w.id)).toEqual(["b", "a"]);
    expect(await h.anonymous.workers.taskTypes()).toEqual(["demo"]);
  });
});
