import { describe, expect, it } from "vitest";
import { isLockLive } from "../../src/domain/lock.js";
import { isLeaseLive, WORKER_STATES, type WorkerState } from "../../src/domain/worker.js";
import {
  acceptsNewWork,
  checkWorkerTransition,
  drainRequestMoves,
  heartbeatSteps,
  isSilentPastLease,
  planRegistration,
  requireLiveLease,
} from "../../src/domain/worker-rules.js";
import { IllegalTransitionError, LeaseLostError, ValidationError } from "../../src/errors.js";

const NOW = 100_000;

describe("heartbeatSteps", () => {
  it.each([
    // state, drain requested, active/max → steps
    ["ACTIVE", false, 1, [], "ACTIVE"],
    ["ACTIVE", false, 2, ["ACTIVE→BUSY at capacity"], "BUSY"],
    ["BUSY", false, 2, [], "BUSY"],
    ["BUSY", false, 1, ["BUSY→ACTIVE capacity available"], "ACTIVE"],
    ["ACTIVE", true, 0, ["ACTIVE→DRAINING drain requested"], "DRAINING"],
    ["BUSY", true, 2, ["BUSY→DRAINING drain requested"], "DRAINING"],
    ["DRAINING", true, 2, [], "DRAINING"],
    ["STALE", false, 0, ["STALE→ACTIVE heartbeat resumed"], "ACTIVE"],
    ["STALE", false, 2, ["STALE→ACTIVE heartbeat resumed", "ACTIVE→BUSY at capacity"], "BUSY"],
    ["STALE", true, 2, ["STALE→ACTIVE heartbeat resumed", "ACTIVE→DRAINING drain requested"], "DRAINING"],
  ] as const)("%s (drain %s, %i of 2 busy) → %j", (state, drainRequested, activeTasks, expected, end) => {
    const steps = heartbeatSteps({ id: "w-a", state, drainRequested, maxConcurrency: 2 }, activeTasks);
    expect(steps.map((s) => `${s.from}→${s.to} ${s.reason}`)).toEqual(expected);
    expect(steps.at(-1)?.to ?? state).toBe(end);
    // Each step follows from the previous one.
    for (const [i, step] of steps.entries()) expect(step.from).toBe(i === 0 ? state : steps[i - 1]?.to);
  });

  it.each(["NEW", "OFFLINE", "REMOVED"] as const)(
    "refuses a heartbeat from %s: the worker must register again",
    (state) => {
      expect(() => heartbeatSteps({ id: "w-a", state, drainRequested: false, maxConcurrency: 2 }, 0)).toThrow(
        `worker w-a lost its lease: state ${state}; re-register`,
      );
    },
  );
});

describe("checkWorkerTransition", () => {
  const worker = (state: WorkerState, drainRequested = false) => ({
    id: "w-a",
    state,
    lastHeartbeatAt: NOW - 1000,
    leaseMs: 1000,
    drainRequested,
  });

  it.each([
    ["ACTIVE", "STALE", {}, NOW, "ok"],
    ["ACTIVE", "OFFLINE", {}, NOW, "illegal"],
    ["ACTIVE", "STALE", { expectedFrom: ["BUSY"] }, NOW, "illegal"],
    ["ACTIVE", "STALE", { expectedFrom: ["ACTIVE", "BUSY"] }, NOW, "ok"],
    ["ACTIVE", "STALE", { onlyIfLeaseExpired: true }, NOW, "ok"],
    ["ACTIVE", "STALE", { onlyIfLeaseExpired: true }, NOW - 1, "illegal"],
    ["STALE", "OFFLINE", { expectedFrom: ["STALE"], onlyIfLeaseExpired: true }, NOW + 5000, "ok"],
    ["REMOVED", "ACTIVE", {}, NOW, "illegal"],
  ] as const)("%s → %s with %j at %i: %s", (from, to, opts, now, expected) => {
    const check = () => checkWorkerTransition(worker(from), to, opts, now);
    if (expected === "ok") expect(check).not.toThrow();
    else expect(check).toThrow(IllegalTransitionError);
  });

  it.each([
    ["DRAINING", "ACTIVE", false],
    ["DRAINING", "STALE", true],
    ["STALE", "ACTIVE", true],
  ] as const)("%s → %s keeps a pending drain: %s", (from, to, kept) => {
    expect(checkWorkerTransition(worker(from, true), to, {}, NOW).drainRequested).toBe(kept);
  });
});

describe("drainRequestMoves", () => {
  const expected: Record<WorkerState, boolean | "refused"> = {
    NEW: "refused",
    ACTIVE: true,
    BUSY: true,
    DRAINING: false,
    STALE: false,
    OFFLINE: "refused",
    REMOVED: "refused",
  };
  it.each(WORKER_STATES)("%s", (state) => {
    const want = expected[state];
    if (want === "refused") expect(() => drainRequestMoves({ id: "w-a", state })).toThrow(IllegalTransitionError);
    else expect(drainRequestMoves({ id: "w-a", state })).toBe(want);
  });
});

describe("planRegistration", () => {
  const live = { state: "ACTIVE" as WorkerState, hostname: "h1", pid: 10, lastHeartbeatAt: NOW - 10, leaseMs: 1000 };
  const reg = { id: "w-a", hostname: "h1", pid: 10 };

  it.each([
    ["an unknown id", null, reg, { kind: "fresh", recover: null }],
    ["the same live process", live, reg, { kind: "refresh" }],
    [
      "an id whose lease expired",
      { ...live, lastHeartbeatAt: NOW - 2000 },
      { ...reg, pid: 11 },
      { kind: "fresh", recover: "worker w-a re-registered (previous incarnation ACTIVE)" },
    ],
    [
      "an OFFLINE id",
      { ...live, state: "OFFLINE" as WorkerState },
      reg,
      { kind: "fresh", recover: "worker w-a re-registered (previous incarnation OFFLINE)" },
    ],
  ] as const)("%s", (_name, existing, registration, plan) => {
    expect(planRegistration(existing, registration, NOW)).toEqual(plan);
  });

  it("refuses another process taking a live id", () => {
    expect(() => planRegistration(live, { ...reg, pid: 11 }, NOW)).toThrow(ValidationError);
    expect(() => planRegistration(live, { ...reg, hostname: "h2" }, NOW)).toThrow(/pid 10/);
  });
});

describe("leases and locks", () => {
  const worker = (state: WorkerState, lastHeartbeatAt: number) => ({ state, lastHeartbeatAt, leaseMs: 1000 });

  it.each([
    ["ACTIVE", NOW - 999, true, null],
    ["ACTIVE", NOW - 1000, false, "lease expired (no heartbeat within leaseMs)"],
    ["DRAINING", NOW, true, null],
    ["STALE", NOW, false, "state STALE"],
    ["OFFLINE", NOW, false, "state OFFLINE"],
  ] as const)("%s, heartbeat at %i: lease live %s", (state, beat, liveLease, why) => {
    expect(isLeaseLive(worker(state, beat), NOW)).toBe(liveLease);
    const check = () => requireLiveLease(worker(state, beat), "w-a", NOW);
    if (why === null) expect(check()).toEqual(worker(state, beat));
    else expect(check).toThrow(new LeaseLostError("w-a", why));
  });

  it("refuses an unregistered worker", () => {
    expect(() => requireLiveLease(null, "w-a", NOW)).toThrow("worker w-a lost its lease: not registered");
  });

  it.each([
    [NOW + 1, true, true],
    [NOW, true, false],
    [NOW + 1, false, false],
  ])("lock expiring at %i, holder lease live %s → live %s", (expiresAt, leaseLive, expected) => {
    expect(isLockLive({ expiresAt }, leaseLive, NOW)).toBe(expected);
  });

  it.each([
    ["ACTIVE", NOW - 1000, true],
    ["BUSY", NOW - 5000, true],
    ["DRAINING", NOW - 1000, true],
    ["ACTIVE", NOW - 999, false],
    ["STALE", NOW - 5000, false],
    ["OFFLINE", NOW - 5000, false],
  ] as const)("%s, heartbeat at %i: silent past its lease %s", (state, beat, expected) => {
    expect(isSilentPastLease(worker(state, beat), NOW)).toBe(expected);
  });

  it.each(WORKER_STATES)("%s takes new work only when accepting", (state) => {
    expect(acceptsNewWork({ state })).toBe(state === "ACTIVE" || state === "BUSY");
  });
});
