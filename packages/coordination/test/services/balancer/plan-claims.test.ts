import { describe, expect, it } from "vitest";
import { planClaims } from "../../../src/balancer/plan-claims.js";
import { getStrategy } from "../../../src/balancer/strategies.js";
import { type BalancingTask, type BalancingWorker, STRATEGY_NAMES } from "../../../src/balancer/types.js";
import { NOW, task, worker } from "./fixtures.js";

/** `selfId`'s plan under least_loaded at NOW, with a 60 s grace period unless given. */
function leastLoaded(selfId: string, tasks: BalancingTask[], workers: BalancingWorker[], graceMs = 60_000) {
  return planClaims({ selfId, tasks, workers, strategy: getStrategy("least_loaded"), graceMs, now: NOW });
}

describe("planClaims: assignment by agreement", () => {
  for (const name of STRATEGY_NAMES) {
    it(`${name}: workers planning over the same view claim disjoint sets that cover every task`, () => {
      const workers = [worker("w1", 2, 10), worker("w2", 0, 5), worker("w3", 7, 10), worker("w4", 0, 8)];
      const tasks = Array.from({ length: 20 }, (_, i) =>
        task(`t${i}`, { priority: i % 3, createdAt: NOW - 100 + i, runAt: NOW - 100 + i }),
      );
      const plans = workers.map((w) =>
        planClaims({ selfId: w.id, tasks, workers, strategy: getStrategy(name), graceMs: 60_000, now: NOW }),
      );
      const all = plans.flatMap((p) => p.claim);
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort()).toEqual(tasks.map((x) => x.id).sort());
      for (const [i, plan] of plans.entries())
        expect(plan.claim.length).toBeLessThanOrEqual(workers[i]!.maxConcurrency - workers[i]!.activeTasks);
      // Everyone agrees on who gets what.
      for (const plan of plans)
        expect(plan.decisions.map((d) => d.assignedTo)).toEqual(plans[0]!.decisions.map((d) => d.assignedTo));
    });
  }

  it("consumes capacity while planning and never exceeds free slots", () => {
    const workers = [worker("w1", 0, 2), worker("w2", 0, 3)];
    const tasks = Array.from({ length: 8 }, (_, i) => task(`t${i}`));
    const p1 = leastLoaded("w1", tasks, workers);
    const p2 = leastLoaded("w2", tasks, workers);
    expect(p1.claim).toHaveLength(2);
    expect(p2.claim).toHaveLength(3);
    expect(p1.decisions.filter((d) => d.assignedTo === null)).toHaveLength(3);
  });

  it("claims in priority order", () => {
    const workers = [worker("w1", 9, 10)];
    const tasks: BalancingTask[] = [task("low", { priority: -5 }), task("high", { priority: 50 }), task("mid")];
    expect(leastLoaded("w1", tasks, workers).claim).toEqual(["high"]);
  });

  it("claims a recovered task before newer work of its priority (its runAt is newer, its creation older)", () => {
    const workers = [worker("w1", 9, 10)];
    const recovered = task("recovered", { createdAt: NOW - 5000, runAt: NOW - 5 });
    const newer = Array.from({ length: 5 }, (_, i) =>
      task(`new${i}`, { createdAt: NOW - 4000 + i, runAt: NOW - 4000 + i }),
    );
    expect(leastLoaded("w1", [...newer, recovered], workers).claim).toEqual(["recovered"]);
  });

  it("tasks pinned to self are claimed by self only", () => {
    const workers = [worker("w1", 0), worker("w2", 9)];
    const tasks = [task("pinned", { pinnedWorkerId: "w2" })];
    const p1 = leastLoaded("w1", tasks, workers, 0);
    const p2 = leastLoaded("w2", tasks, workers, 0);
    expect(p1.claim).toEqual([]);
    expect(p2.claim).toEqual(["pinned"]);
    expect(p2.decisions[0]?.claimedBecause).toBe("pinned");
  });

  it("after the grace period any eligible worker with room may take a waiting task", () => {
    const workers = [worker("w1", 0), worker("w2", 0), worker("w3", 0, 10, { supportedTaskTypes: ["build"] })];
    const old = task("old", { createdAt: NOW - 10_000, runAt: NOW - 10_000 });
    const young = task("young", { createdAt: NOW - 10, runAt: NOW - 10 });
    const plans = Object.fromEntries(
      workers.map((w) => [
        w.id,
        planClaims({
          selfId: w.id,
          tasks: [old, young],
          workers,
          strategy: getStrategy("round_robin"),
          graceMs: 5000,
          now: NOW,
        }),
      ]),
    );
    expect(plans.w1!.claim).toContain("old");
    expect(plans.w2!.claim).toContain("old");
    expect(plans.w3!.claim).toEqual([]);
    const youngClaims = [...plans.w1!.claim, ...plans.w2!.claim].filter((id) => id === "young");
    expect(youngClaims).toHaveLength(1);
    const graceClaims = Object.values(plans).flatMap((p) =>
      p.decisions.filter((d) => d.claimedBecause === "grace").map((d) => d.taskId),
    );
    expect(graceClaims).toEqual(["old"]);
  });

  it("a worker missing from the view (not yet registered) claims nothing", () => {
    const plan = planClaims({
      selfId: "ghost",
      tasks: [task("t", { runAt: 0 })],
      workers: [worker("w1", 0)],
      strategy: getStrategy("least_loaded"),
      graceMs: 0,
      now: NOW,
    });
    expect(plan.claim).toEqual([]);
  });
});
