import { expect } from "vitest";
import type { LockMetadata } from "../../domain/lock.js";
import type { NewTask } from "../../domain/task.js";
import type { WorkerRegistration } from "../../domain/worker.js";
import { ValidationError } from "../../errors.js";
import type { CoordinationStore } from "../port.js";

/** One fresh, empty store for one test. */
export interface StoreHarness {
  store: CoordinationStore;
  cleanup(): Promise<void>;
  /**
   * Move the store's clock forward by `ms`, for backends whose clock can be driven (an
   * emulator). Without it, time-dependent cases wait on real time by polling `now()`.
   */
  advanceClock?: (ms: number) => Promise<void>;
  /**
   * The real duration time-dependent cases use for short leases and TTLs (default SHORT_MS).
   * It must exceed a few store round trips: a backend over HTTP takes longer than a file.
   */
  shortMs?: number;
  /**
   * A second store over the same backend, as another process would open it (its own
   * connection, cache and in-flight state). The harness closes it in cleanup.
   */
  openPeer(): Promise<CoordinationStore>;
}

export type StoreHarnessFactory = () => Promise<StoreHarness>;

/** What each case file receives: accessors valid inside `it` (a fresh harness per test). */
export interface ContractContext {
  harness(): StoreHarness;
  store(): CoordinationStore;
  /** The harness's short duration (see StoreHarness.shortMs). */
  shortMs(): number;
}

/** Default short real duration for time-dependent cases: long enough to act within, short enough to wait out. */
export const SHORT_MS = 300;
export const LONG_MS = 600_000;

export function registration(id: string, overrides: Partial<WorkerRegistration> = {}): WorkerRegistration {
  return {
    id,
    hostname: "contract-host",
    pid: 4242,
    version: "contract",
    maxConcurrency: 4,
    supportedTaskTypes: ["demo", "other"],
    cpuCores: 2,
    memoryMb: 1024,
    labels: {},
    heartbeatIntervalMs: 1000,
    leaseMs: LONG_MS,
    healthUrl: null,
    ...overrides,
  };
}

export function taskInput(overrides: Partial<NewTask> = {}): NewTask {
  return {
    type: "demo",
    priority: 0,
    params: {},
    maxAttempts: 3,
    timeoutMs: LONG_MS,
    delayMs: 0,
    pinnedWorkerId: null,
    affinityKey: null,
    ...overrides,
  };
}

export function lockMeta(taskType = "demo"): LockMetadata {
  return { hostname: "contract-host", pid: 4242, taskType };
}

export const claimMeta = { hostname: "contract-host", pid: 4242 };

/** Wait until the store clock reaches `target` (driving it when the harness can). */
export async function waitForStoreTime(harness: StoreHarness, target: number, timeoutMs = 10_000): Promise<void> {
  const now = await harness.store.now();
  if (now >= target) return;
  if (harness.advanceClock) {
    await harness.advanceClock(target - now);
    return;
  }
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const current = await harness.store.now();
    if (current >= target) return;
    if (performance.now() > deadline)
      throw new Error(`store clock did not reach ${target} within ${timeoutMs} ms (at ${current})`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(25, target - current)));
  }
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

export async function expectValidationError(promise: Promise<unknown>, field: string | RegExp): Promise<void> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toMatch(
    typeof field === "string" ? new RegExp(`^${field.replace(/\./g, "\\.")}$`) : field,
  );
}
