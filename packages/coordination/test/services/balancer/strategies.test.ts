import { describe, expect, it } from "vitest";
import { BalancingHistoryRecorder } from "../../../src/balancer/balancing-history.js";
import { selectWorker } from "../../../src/balancer/load-balancer.js";
import { getStrategy } from "../../../src/balancer/strategies.js";
import { STRATEGY_NAMES } from "../../../src/balancer/types.js";
import { ValidationError } from "../../../src/errors.js";
import { NOW, task, worker } from "./fixtures.js";

describe("least_loaded (capacity in use decides)", () => {
  it("ranks by utilisation and skips the full worker", () => {
    const pool = [worker("w1", 8), worker("w2", 4), worker("w3", 10), worker("w4", 2), worker("w5", 0)];
    const sel = selectWorker(task("t"), pool, { strategy: getStrategy("least_loaded"), now: NOW });
    expect(sel.workerId).toBe("w5");
    const order = sel.candidates
      .filter((c) => c.eligible)
      .sort((a, b) => b.score - a.score)
      .map((c) => c.workerId);
    expect(order).toEqual(["w5", "w4", "w2", "w1"]);
    expect(sel.candidates.find((c) => c.workerId === "w3")).toMatchObject({
      eligible: false,
      reasons: ["no free slots (10/10)"],
    });
    expect(sel.candidates.find((c) => c.workerId === "w4")?.breakdown).toEqual({
      headroom: 0.8,
      utilization: expect.closeTo(0.2),
    });
  });
});

describe("capacity_based", () => {
  it("prefers the most free slots in absolute terms", () => {
    const sel = selectWorker(task("t"), [worker("small", 0, 5), worker("big", 10, 50)], {
      strategy: getStrategy("capacity_based"),
      now: NOW,
    });
    expect(sel.workerId).toBe("big");
    expect(sel.candidates.find((c) => c.workerId === "small")?.breakdown).toEqual({
      freeSlots: 5,
      relativeFreeSlots: 5 / 40,
    });
    const leastLoaded = selectWorker(task("t"), [worker("small", 0, 5), worker("big", 10, 50)], {
      strategy: getStrategy("least_loaded"),
      now: NOW,
    });
    expect(leastLoaded.workerId).toBe("small");
  });
});

describe("round_robin", () => {
  it("is deterministic across evaluators and spreads tasks over eligible workers", () => {
    const pool = [worker("w3", 0), worker("w1", 0), worker("w2", 0)];
    const picks = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const a = selectWorker(task(`task-${i}`), pool, { strategy: getStrategy("round_robin"), now: NOW });
      const b = selectWorker(task(`task-${i}`), [...pool].reverse(), {
        strategy: getStrategy("round_robin"),
        now: NOW,
      });
      expect(a.workerId).toBe(b.workerId);
      picks.set(a.workerId!, (picks.get(a.workerId!) ?? 0) + 1);
    }
    expect([...picks.keys()].sort()).toEqual(["w1", "w2", "w3"]);
    for (const n of picks.values()) expect(n).toBeGreaterThan(60);
  });
});

describe("affinity", () => {
  it("prefers the worker that last ran the same key, else the same type, else the least loaded", () => {
    const history = new BalancingHistoryRecorder();
    history.record({ taskType: "demo", affinityKey: "repo-a", workerId: "w2", succeeded: true, durationMs: 10 });
    history.record({ taskType: "demo", affinityKey: null, workerId: "w3", succeeded: true, durationMs: 10 });
    const pool = [worker("w1", 0), worker("w2", 9), worker("w3", 5)];
    const ctx = { strategy: getStrategy("affinity"), now: NOW, history };
    expect(selectWorker(task("t1", { affinityKey: "repo-a" }), pool, ctx).workerId).toBe("w2");
    expect(selectWorker(task("t2"), pool, ctx).workerId).toBe("w3");
    expect(
      selectWorker(
        task("t3", { type: "other" }),
        pool.map((w) => ({ ...w, supportedTaskTypes: ["other"] })),
        ctx,
      ).workerId,
    ).toBe("w1");
    expect(
      selectWorker(task("t1", { affinityKey: "repo-a" }), pool, ctx).candidates.find((c) => c.workerId === "w2")
        ?.breakdown,
    ).toEqual({
      affinity: 1,
      headroom: expect.closeTo(0.1),
    });
  });

  it("falls back when the affine worker is full", () => {
    const history = new BalancingHistoryRecorder();
    history.record({ taskType: "demo", affinityKey: "k", workerId: "w2", succeeded: true, durationMs: 10 });
    const sel = selectWorker(task("t", { affinityKey: "k" }), [worker("w1", 3), worker("w2", 10)], {
      strategy: getStrategy("affinity"),
      now: NOW,
      history,
    });
    expect(sel.workerId).toBe("w1");
  });
});

describe("adaptive", () => {
  it("blends load with recent success and latency", () => {
    const history = new BalancingHistoryRecorder();
    for (let i = 0; i < 10; i++) {
      history.record({
        taskType: "demo",
        affinityKey: null,
        workerId: "flaky",
        succeeded: i % 2 === 0,
        durationMs: 100,
      });
      history.record({ taskType: "demo", affinityKey: null, workerId: "solid", succeeded: true, durationMs: 100 });
    }
    const pool = [worker("flaky", 2), worker("solid", 2)];
    const sel = selectWorker(task("t"), pool, { strategy: getStrategy("adaptive"), now: NOW, history });
    expect(sel.workerId).toBe("solid");
    expect(sel.candidates.find((c) => c.workerId === "flaky")?.breakdown).toMatchObject({ success: 0.5, speed: 1 });
    // Load still matters: a far less loaded worker beats a slightly more reliable busy one.
    const busy = selectWorker(task("t"), [worker("flaky", 0), worker("solid", 9)], {
      strategy: getStrategy("adaptive"),
      now: NOW,
      history,
    });
    expect(busy.workerId).toBe("flaky");
  });

  it("treats workers without history neutrally", () => {
    const sel = selectWorker(task("t"), [worker("a", 5), worker("b", 1)], {
      strategy: getStrategy("adaptive"),
      now: NOW,
    });
    expect(sel.workerId).toBe("b");
    expect(sel.candidates[0]?.breakdown).toMatchObject({ success: 0.5, speed: 0.5 });
  });
});

describe("filter and selection", () => {
  it("explains every exclusion", () => {
    const pool = [
      worker("draining", 0, 10, { state: "DRAINING" }),
      worker("stale", 0, 10, { state: "STALE" }),
      worker("silent", 0, 10, { lastHeartbeatAt: NOW - 200_000 }),
      worker("full", 4, 4, { state: "BUSY" }),
      worker("wrong-type", 0, 10, { supportedTaskTypes: ["build"] }),
      worker("asked-to-drain", 0, 10, { drainRequested: true }),
      worker("ok", 0),
    ];
    const sel = selectWorker(task("t"), pool, { strategy: getStrategy("least_loaded"), now: NOW });
    expect(sel.workerId).toBe("ok");
    const reasons = Object.fromEntries(sel.candidates.map((c) => [c.workerId, c.reasons]));
    expect(reasons).toEqual({
      "asked-to-drain": ["drain requested"],
      draining: ["state DRAINING takes no new work"],
      full: ["no free slots (4/4)"],
      ok: [],
      silent: ["lease expired (no heartbeat since 200000 ms)"],
      stale: ["state STALE takes no new work"],
      "wrong-type": ["does not support task type demo"],
    });
  });

  it("honours a pin and reports nobody when the pinned worker cannot take it", () => {
    const pool = [worker("w1", 0), worker("w2", 5)];
    const ctx = { strategy: getStrategy("least_loaded"), now: NOW };
    expect(selectWorker(task("t", { pinnedWorkerId: "w2" }), pool, ctx).workerId).toBe("w2");
    const none = selectWorker(task("t", { pinnedWorkerId: "w9" }), pool, ctx);
    expect(none.workerId).toBeNull();
    expect(none.candidates[0]?.reasons).toEqual(["task is pinned to w9"]);
  });

  it("breaks ties by the lowest worker id whatever the input order", () => {
    for (const name of STRATEGY_NAMES) {
      if (name === "round_robin") continue;
      const sel = selectWorker(task("t"), [worker("c", 1), worker("a", 1), worker("b", 1)], {
        strategy: getStrategy(name),
        now: NOW,
      });
      expect(sel.workerId, name).toBe("a");
      expect(sel.candidates.map((c) => c.workerId)).toEqual(["a", "b", "c"]);
    }
  });

  it("getStrategy rejects unknown names naming the setting", () => {
    expect(() => getStrategy("fastest")).toThrow(ValidationError);
    expect(() => getStrategy("fastest")).toThrow(
      /loadBalancer\.strategy.*round_robin, least_loaded, capacity_based, affinity, adaptive/,
    );
  });
});
