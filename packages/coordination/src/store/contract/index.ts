import { afterEach, beforeEach, describe } from "vitest";
import { assignmentDecisionCases } from "./cases/assignment-decisions.js";
import { auditCases } from "./cases/audit.js";
import { batchCompletionCases } from "./cases/batch-completion.js";
import { claimCases } from "./cases/claims.js";
import { completeAndClaimCases } from "./cases/complete-and-claim.js";
import { concurrentEndCases } from "./cases/concurrent-ends.js";
import { delayedTaskCases } from "./cases/delayed-tasks.js";
import { dependencyCases } from "./cases/dependencies.js";
import { eventAndSettingCases } from "./cases/events-settings.js";
import { fencingCases } from "./cases/fencing.js";
import { heartbeatCases } from "./cases/heartbeat.js";
import { listingCases } from "./cases/listing.js";
import { lockCases } from "./cases/locks.js";
import { memoryCases } from "./cases/memory.js";
import { registrationCases } from "./cases/registration.js";
import { scheduleCases } from "./cases/schedules.js";
import { taskEditCases } from "./cases/task-edits.js";
import { taskLifecycleCases } from "./cases/task-lifecycle.js";
import { taskLogCases } from "./cases/task-logs.js";
import { typeLimitCases } from "./cases/type-limits.js";
import { typePauseCases } from "./cases/type-pauses.js";
import { validationCases } from "./cases/validation.js";
import { workerMetricsCases } from "./cases/worker-metrics.js";
import { workerTransitionCases } from "./cases/worker-transitions.js";
import { type ContractContext, SHORT_MS, type StoreHarness, type StoreHarnessFactory } from "./harness.js";

export type { ContractContext, StoreHarness, StoreHarnessFactory } from "./harness.js";

/**
 * The behaviour every CoordinationStore backend must show, as a vitest suite. It uses only
 * the port (no backend internals) and real short durations for anything time-dependent, so
 * the SQLite file and the GitHub backend over its HTTP emulator run the same cases.
 * Each test gets a fresh store from `factory`.
 */
export function describeStoreContract(name: string, factory: StoreHarnessFactory): void {
  describe(`CoordinationStore contract: ${name}`, () => {
    let current: StoreHarness | null = null;
    beforeEach(async () => {
      current = await factory();
    });
    afterEach(async () => {
      await current?.cleanup();
      current = null;
    });
    const ctx: ContractContext = {
      harness() {
        if (!current) throw new Error("store harness used outside a test");
        return current;
      },
      store() {
        return ctx.harness().store;
      },
      shortMs() {
        return ctx.harness().shortMs ?? SHORT_MS;
      },
    };
    describe("locks", () => lockCases(ctx));
    describe("durable audit and access tokens", () => auditCases(ctx));
    describe("fencing", () => fencingCases(ctx));
    describe("leases and heartbeats", () => heartbeatCases(ctx));
    describe("registration", () => registrationCases(ctx));
    describe("worker metrics", () => workerMetricsCases(ctx));
    describe("worker state machine", () => workerTransitionCases(ctx));
    describe("task lifecycle", () => taskLifecycleCases(ctx));
    describe("claims", () => claimCases(ctx));
    describe("assignment decisions", () => assignmentDecisionCases(ctx));
    describe("scheduled and delayed tasks", () => delayedTaskCases(ctx));
    describe("batch completion", () => batchCompletionCases(ctx));
    describe("complete and claim", () => completeAndClaimCases(ctx));
    describe("concurrent ends of one attempt", () => concurrentEndCases(ctx));
    describe("memory", () => memoryCases(ctx));
    describe("events and settings", () => eventAndSettingCases(ctx));
    describe("listing tasks", () => listingCases(ctx));
    describe("task progress and logs", () => taskLogCases(ctx));
    describe("pausing task types", () => typePauseCases(ctx));
    describe("per-type concurrency limits", () => typeLimitCases(ctx));
    describe("task dependencies", () => dependencyCases(ctx));
    describe("editing queued tasks", () => taskEditCases(ctx));
    describe("repeating schedules", () => scheduleCases(ctx));
    describe("input validation", () => validationCases(ctx));
  });
}
