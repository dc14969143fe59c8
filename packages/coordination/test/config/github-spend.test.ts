import { describe, expect, it } from "vitest";
import { projectGithubSpend, type SpendInputs } from "../../src/config/github-spend.js";
import { checkGithubSpend, enforceSpendCheck, type SpendProblem } from "../../src/config/spend-check.js";
import { githubSpendCheckFromEnv } from "../../src/config/spend-inputs.js";
import { ConfigError } from "../../src/errors.js";
import { writeBudgetSchema } from "../../src/store/github/options.js";

/** The real defaults: 30 s heartbeats, 1 s worker poll and mirror refresh, 5 s sync pass, 15 s registry refresh, 60 s deep check, a personal token. */
function defaults(overrides: Partial<SpendInputs> = {}): SpendInputs {
  return {
    workersPerToken: 1,
    controlPlanesPerToken: 1,
    heartbeatIntervalMs: 30_000,
    workerPollIntervalMs: 1_000,
    syncPollIntervalMs: 5_000,
    syncWorkersIntervalMs: 15_000,
    refreshIntervalMs: 1_000,
    deepCheckIntervalMs: 60_000,
    primaryPerHour: 5_000,
    writeBudget: writeBudgetSchema.parse({}),
    ...overrides,
  };
}

const ENV = {
  SENTINEL_STORE: "github",
  GITHUB_TOKEN: "ghp_test",
  GITHUB_OWNER: "acme",
  GITHUB_REPO: "tasks",
  SENTINEL_HMAC_SECRET: "s".repeat(32),
};

describe("projectGithubSpend", () => {
  it("one worker and a control plane at the defaults: 120 heartbeats, two list reads per change, two deep-check reads a minute", () => {
    const p = projectGithubSpend(defaults());
    expect(p.effectiveHeartbeatIntervalMs).toBe(30_000);
    expect(p.heartbeatStretch).toBe(1);
    // Worker: 120 heartbeat PATCHes + 2 × 120 charged list reads (comments, registry) + 120 deep-check reads.
    expect(p.worker).toEqual({ charged: 480, writes: 120 });
    // Control plane: no writes when idle, the same reads (its 5 s pass and 15 s registry read see every change too).
    expect(p.controlPlane).toEqual({ charged: 360, writes: 0 });
    expect(p.idle).toEqual({ charged: 840, writesPerHour: 120, writesPerMinute: 2 });
    // A task: 4 writes (no other worker to race), 2 claim reads, and each of the 2 processes re-reads after each write.
    expect(p.perTask).toEqual({ charged: 14, writes: 4 });
    // Primary: (0.9 × 5,000 − 840) / 14; secondary: (0.9 − 0.4) × 500 / 4.
    expect(p.taskCapacityPerHour).toEqual({ primary: 261, secondary: 62 });
  });

  it("stretches heartbeats so the workers on one token fit their share of the secondary limit", () => {
    // Three workers: 1 h · 3 / (0.4 · 500) = 54 s per beat; together 200 writes an hour, 40 % of 500.
    const p = projectGithubSpend(defaults({ workersPerToken: 3 }));
    expect(p.effectiveHeartbeatIntervalMs).toBe(54_000);
    expect(p.heartbeatStretch).toBeCloseTo(1.8);
    expect(p.idle.writesPerHour).toBe(200);
    expect(p.idle.charged).toBe(3 * p.worker.charged + p.controlPlane.charged);
    // No losing claim (the others wait out the grace): 4 writes; 3 claimants read twice; 4 processes re-read each write.
    expect(p.perTask).toEqual({ charged: 4 + 6 + 16, writes: 4 });
    expect(p.taskCapacityPerHour.secondary).toBe(62);
  });

  it("reads no more often than the mirror refreshes, however many changes there are", () => {
    const p = projectGithubSpend(
      defaults({
        workersPerToken: 40,
        refreshIntervalMs: 10_000,
        workerPollIntervalMs: 10_000,
        deepCheckIntervalMs: 0,
      }),
    );
    // 40 workers write 200/h together (stretched): each list changes 200 times an hour and each
    // process reads it at most 360 times (the control plane's registry 240 times), so 200 + 200.
    expect(p.worker.charged - p.worker.writes).toBe(400);
    expect(p.controlPlane.charged).toBe(400);
  });
});

describe("checkGithubSpend", () => {
  const keys = (problems: SpendProblem[]) => problems.map((problem) => `${problem.level} ${problem.key}`);

  it("passes the defaults with one worker per token without a word", () => {
    expect(checkGithubSpend(defaults()).problems).toEqual([]);
  });

  it("warns loudly when heartbeats must stretch to fit the token", () => {
    const check = checkGithubSpend(defaults({ workersPerToken: 3 }));
    expect(keys(check.problems)).toEqual(["warning HEARTBEAT_INTERVAL_MS"]);
    expect(check.problems[0]?.message).toContain("every 54 s instead of 30 s");
  });

  it("refuses a token shared by more processes than its primary limit carries idle, naming the key and the limit", () => {
    const check = checkGithubSpend(defaults({ workersPerToken: 20, primaryPerHour: 5_000 }));
    expect(check.projection.idle.charged).toBeGreaterThan(5_000);
    expect(keys(check.problems)).toContain("error SENTINEL_GITHUB_WORKERS_PER_TOKEN");
    const warned: SpendProblem[] = [];
    const refusal = (() => {
      try {
        enforceSpendCheck(check, (problem) => warned.push(problem));
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).key).toBe("SENTINEL_GITHUB_WORKERS_PER_TOKEN");
    expect((refusal as ConfigError).message).toContain("primary limit of 5,000/hour");
    // The stretch warning is still logged before the refusal.
    expect(keys(warned)).toEqual(["warning HEARTBEAT_INTERVAL_MS"]);
  });

  it("only warns about an over-budget configuration when told to (SENTINEL_GITHUB_SPEND_CHECK=warn)", () => {
    const check = githubSpendCheckFromEnv(
      { ...ENV, SENTINEL_GITHUB_WORKERS_PER_TOKEN: "20", SENTINEL_GITHUB_SPEND_CHECK: "warn" },
      {},
    );
    if (!check) throw new Error("a GitHub environment must be checked");
    const warned: SpendProblem[] = [];
    enforceSpendCheck(check, (problem) => warned.push(problem));
    expect(keys(warned)).toContain("error SENTINEL_GITHUB_WORKERS_PER_TOKEN");
  });

  it("reads the environment: the Actions token's 1,000/hour, a configured limit, and names a bad value", () => {
    expect(githubSpendCheckFromEnv({ SENTINEL_STORE: "sqlite" })).toBeNull();
    // One worker and a control plane idle at 840/hour: 84 % of the Actions token's 1,000, warned.
    const actions = githubSpendCheckFromEnv({ ...ENV, GITHUB_ACTIONS: "true" });
    expect(actions && keys(actions.problems)).toEqual(["warning SENTINEL_GITHUB_WORKERS_PER_TOKEN"]);
    expect(actions?.problems[0]?.message).toContain("84 % of its primary limit of 1,000/hour");
    const small = githubSpendCheckFromEnv({ ...ENV, GITHUB_ACTIONS: "true", SENTINEL_GITHUB_WORKERS_PER_TOKEN: "3" });
    // 3 workers + a control plane idle at ≈ 1,500/hour: over the Actions token's 1,000.
    expect(small?.problems.find((p) => p.level === "error")?.message).toContain("primary limit of 1,000/hour");
    const configured = githubSpendCheckFromEnv({ ...ENV, SENTINEL_GITHUB_PRIMARY_LIMIT: "12500" });
    expect(configured?.projection.taskCapacityPerHour.primary).toBeGreaterThan(261);
    // A control plane knows the workers' cadence only from the environment they share.
    const slowBeats = githubSpendCheckFromEnv({ ...ENV, HEARTBEAT_INTERVAL_MS: "120000" });
    expect(slowBeats?.projection.idle.writesPerHour).toBe(30);
    expect(
      githubSpendCheckFromEnv({ ...ENV, HEARTBEAT_INTERVAL_MS: "120000" }, { heartbeatIntervalMs: 60_000 })?.projection
        .idle.writesPerHour,
    ).toBe(60);
    expect(() => githubSpendCheckFromEnv({ ...ENV, SENTINEL_GITHUB_WORKERS_PER_TOKEN: "many" })).toThrow(
      /SENTINEL_GITHUB_WORKERS_PER_TOKEN/,
    );
    expect(() => githubSpendCheckFromEnv({ ...ENV, SENTINEL_GITHUB_SPEND_CHECK: "ignore" })).toThrow(
      /SENTINEL_GITHUB_SPEND_CHECK.*"refuse", "warn"/,
    );
  });
});
