import { vi } from "vitest";
import { waitFor } from "./wait-for.js";

/**
 * Clock control for tests. Invariant 2 (docs/architecture.md) says only the store's clock
 * decides expiry and staleness, so tests skew the process clock and show nothing changes,
 * and let real store time pass (or drive it, on the emulator) when a lease must lapse. A child
 * process's clock is skewed with `launchTsx`'s `clockSkewMs` (./processes.ts).
 */

/** The real wall clock, which a faked `Date` does not touch. */
export function realNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Fakes this process's `Date` (only `Date`: timers stay real) to run `ms` off the real clock. */
export function skewDate(ms: number): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(realNow() + ms);
}

/** Undoes `skewDate` and any other faked timer. */
export function restoreClock(): void {
  vi.useRealTimers();
}

/** Resolves once the store's own clock has passed `storeMs` (real time passes; nothing is faked). */
export async function waitForStoreTime(
  store: { now(): Promise<number> },
  storeMs: number,
  timeoutMs = 5000,
): Promise<void> {
  await waitFor(async () => (await store.now()) > storeMs, {
    timeoutMs,
    intervalMs: 10,
    what: `store clock past ${storeMs}`,
  });
}

/** What `waitForLeaseLapse` reads: the store's clock and a worker's last beat and lease. */
export interface LeaseReader {
  now(): Promise<number>;
  getWorker(workerId: string): Promise<{ lastHeartbeatAt: number; leaseMs: number } | null>;
}

/** Resolves once `workerId`'s lease has lapsed by the store's clock (last heartbeat + lease is past). */
export async function waitForLeaseLapse(store: LeaseReader, workerId: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    async () => {
      const worker = await store.getWorker(workerId);
      return worker !== null && (await store.now()) > worker.lastHeartbeatAt + worker.leaseMs;
    },
    { timeoutMs, what: `the lease of ${workerId} lapsing` },
  );
}
