import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Task } from "../../src/domain/task.js";
import type { WorkerRecord } from "../../src/domain/worker.js";
import { buildRegistration } from "../../src/registry/build-registration.js";
import type { CoordinationStore } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";

export interface TempStore {
  path: string;
  store: CoordinationStore;
  /** Another connection to the same file, as another process would have. */
  open(): CoordinationStore;
  cleanup(): Promise<void>;
}

/** A fresh SQLite file per test. */
export function createTempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-services-"));
  const path = join(dir, "store.db");
  const opened: CoordinationStore[] = [];
  const open = (): CoordinationStore => {
    const store = openSqliteStore({ path });
    opened.push(store);
    return store;
  };
  const store = open();
  return {
    path,
    store,
    open,
    async cleanup() {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function registerWorker(
  store: CoordinationStore,
  id: string,
  overrides: Partial<Parameters<typeof buildRegistration>[0]> = {},
): Promise<WorkerRecord> {
  return store.registerWorker(
    buildRegistration({
      id,
      hostname: "test-host",
      pid: 1,
      supportedTaskTypes: ["demo"],
      heartbeatIntervalMs: 20,
      leaseMs: 60_000,
      ...overrides,
    }),
  );
}

export async function createTask(store: CoordinationStore, overrides: Record<string, unknown> = {}): Promise<Task> {
  const { newTaskSchema } = await import("../../src/domain/task.js");
  return store.createTask(newTaskSchema.parse({ type: "demo", ...overrides }), "test");
}

export const META = { hostname: "test-host", pid: 1, taskType: "demo" };

/** Poll until `check` holds, failing after `timeoutMs` (instead of sleeping a fixed time). */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5000, everyMs = 10): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Wait until the store's clock has passed `storeMs`. */
export async function untilStoreTime(store: CoordinationStore, storeMs: number, timeoutMs = 5000): Promise<void> {
  await until(async () => (await store.now()) > storeMs, timeoutMs);
}
