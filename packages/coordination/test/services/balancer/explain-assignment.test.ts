import { describe, expect, it } from "vitest";
import { planClaims } from "../../../src/balancer/plan-claims.js";
import { getStrategy } from "../../../src/balancer/strategies.js";
import type { BalancingHistory } from "../../../src/balancer/types.js";
import { assignmentDecisionSchema } from "../../../src/domain/assignment-decision.js";
import { NOW, task, worker } from "./fixtures.js";

describe("planClaims explains each claim (why this worker)", () => {
  it("least_loaded: the strategy, self's score parts and the best three others, best first", () => {
    const workers = [
      worker("w1", 0, 10),
      worker("w2", 5, 10),
      worker("w3", 2, 10),
      worker("w4", 8, 10),
      worker("w5", 9, 10),
      worker("w6", 0, 10, { supportedTaskTypes: ["other"] }),
    ];
    const plan = planClaims({
      selfId: "w1",
      tasks: [task("t1")],
      workers,
      strategy: getStrategy("least_loaded"),
      graceMs: 60_000,
      now: NOW,
    });
    expect(plan.claim).toEqual(["t1"]);
    const why = plan.explanations.get("t1");
    expect(why).toEqual({
      strategy: "least_loaded",
      reason: "assigned",
      preferred: "w1",
      score: 1,
      parts: { headroom: 1, utilization: 0 },
      alternatives: [
        { workerId: "w3", score: 0.8, parts: { headroom: 0.8, utilization: 0.2 } },
        { workerId: "w2", score: 0.5, parts: { headroom: 0.5, utilization: 0.5 } },
        { workerId: "w4", score: 0.2, parts: { headroom: 0.2, utilization: 0.8 } },
      ],
      eligible: 5,
      considered: 6,
    });
    expect(assignmentDecisionSchema.parse(why)).toEqual(why);
  });

  it("adaptive: the recent success rate the strategy used is in the breakdown", () => {
    const history: BalancingHistory = {
      lastWorkerFor: () => null,
      performanceOf: (id) =>
        id === "w1"
          ? { successRate: 1, meanLatencyMs: 100, samples: 10 }
          : { successRate: 0.2, meanLatencyMs: 100, samples: 10 },
    };
    const plan = planClaims({
      selfId: "w1",
      tasks: [task("t1")],
      workers: [worker("w1", 0), worker("w2", 0)],
      strategy: getStrategy("adaptive"),
      graceMs: 60_000,
      now: NOW,
      history,
    });
    const why = plan.explanations.get("t1");
    expect(why?.strategy).toBe("adaptive");
    expect(why?.parts.success).toBe(1);
    expect(why?.alternatives).toEqual([
      expect.objectContaining({ workerId: "w2", parts: expect.objectContaining({ success: 0.2 }) }),
    ]);
  });

  it("pinned and grace claims say so, naming the worker the strategy preferred; tasks left to others get none", () => {
    // Claim order: t-late (oldest), t-pin, t-fresh. least_loaded gives t-late to w1 (tie → lowest id), which then
    // has no room left in the plan, so t-fresh falls to w2; t-late has waited past grace, so w2 may take it too.
    const plan = planClaims({
      selfId: "w2",
      tasks: [
        task("t-late", { createdAt: NOW - 200_000, runAt: NOW - 120_000 }),
        task("t-pin", { pinnedWorkerId: "w2" }),
        task("t-fresh", { createdAt: NOW - 5, runAt: NOW - 5 }),
      ],
      workers: [worker("w1", 0, 1), worker("w2", 0, 3)],
      strategy: getStrategy("least_loaded"),
      graceMs: 60_000,
      now: NOW,
    });
    expect(plan.claim.sort()).toEqual(["t-fresh", "t-late", "t-pin"]);
    expect(plan.explanations.get("t-pin")).toMatchObject({ reason: "pinned", preferred: "w2" });
    expect(plan.explanations.get("t-fresh")).toMatchObject({ reason: "assigned", preferred: "w2", alternatives: [] });
    expect(plan.explanations.get("t-late")).toMatchObject({ reason: "grace", preferred: "w1" });

    const other = planClaims({
      selfId: "w1",
      tasks: [task("t-fresh", { createdAt: NOW - 5, runAt: NOW - 5 })],
      workers: [worker("w1", 1, 1), worker("w2", 0, 3)],
      strategy: getStrategy("least_loaded"),
      graceMs: 60_000,
      now: NOW,
    });
    expect(other.claim).toEqual([]);
    expect(other.explanations.size).toBe(0);
  });
});
