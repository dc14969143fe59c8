import type { WorkerRecord } from "@sentinel/coordination";
import type { GithubStore } from "@sentinel/coordination/github";
import { benchRegistration, countsOf, openBenchStore, startBenchEmulator } from "./emulated-github.js";

export interface IdleResult {
  workers: number;
  /** Emulated time the idle phase lasted. */
  emulatedMs: number;
  /** Writes per worker-hour: measured writes / workers / emulated hours. */
  writesPerWorkerHour: number;
  heartbeatIntervalMs: number;
  leaseMs: number;
}

/**
 * Idle workers on one login with the default settings (heartbeat 30 s, stale threshold 120 s),
 * beating at the interval each heartbeat's record gives back (as the worker runtime does).
 * The emulator's clock runs `rate` times faster than real time, so `emulatedMinutes` pass
 * in seconds; the writes counted over that period are scaled linearly to an hour.
 */
export async function measureIdleWorkers(workers: number, emulatedMinutes: number, rate: number): Promise<IdleResult> {
  const emulator = await startBenchEmulator(rate);
  const stores: GithubStore[] = [];
  try {
    for (let i = 0; i < workers; i++) stores.push(await openBenchStore(emulator, "worker-token"));
    const records: WorkerRecord[] = [];
    for (const [i, store] of stores.entries()) {
      records.push(await store.registerWorker(benchRegistration(`w-${i}`, i)));
    }
    // Everyone has seen everyone: settle the intervals with one round of heartbeats before measuring.
    for (const [i, store] of stores.entries()) records[i] = await store.heartbeat(`w-${i}`, { activeTasks: 0 });
    emulator.resetStats();
    const startedAt = emulator.clock.now();
    const endAt = startedAt + emulatedMinutes * 60_000;
    await Promise.all(
      stores.map(async (store, i) => {
        // Beats are scheduled on the emulator's clock: at 120× a few real ms of request time
        // would otherwise add seconds of emulated time to every interval.
        let due = startedAt + (records[i]?.heartbeatIntervalMs ?? 30_000);
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - emulator.clock.now()) / rate));
          if (emulator.clock.now() >= endAt) return;
          const record = await store.heartbeat(`w-${i}`, { activeTasks: 0 });
          records[i] = record;
          due += record.heartbeatIntervalMs;
        }
      }),
    );
    const emulatedMs = emulator.clock.now() - startedAt;
    const writes = countsOf(emulator.stats()).writes;
    const last = records[0];
    return {
      workers,
      emulatedMs,
      writesPerWorkerHour: (writes / workers) * (3_600_000 / emulatedMs),
      heartbeatIntervalMs: last?.heartbeatIntervalMs ?? 30_000,
      leaseMs: last?.leaseMs ?? 120_000,
    };
  } finally {
    await Promise.all(stores.map((store) => store.close()));
    await emulator.close();
  }
}
