import type { Task } from "../../src/domain/task.js";
import type { WorkerRecord } from "../../src/domain/worker.js";
import { buildRegistration } from "../../src/registry/build-registration.js";
import type { CoordinationStore } from "../../src/store/port.js";

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
