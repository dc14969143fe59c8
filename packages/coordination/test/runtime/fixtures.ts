import { Writable } from "node:stream";
import pino from "pino";
import type { Task } from "../../src/domain/task.js";
import type { TaskMemory } from "../../src/handlers/task-handler.js";

export function fakeTask(overrides: Partial<Task> = {}): Task {
  return {
    id: "t_test1",
    type: "run",
    title: "test",
    priority: 0,
    params: {},
    state: "running",
    attempts: 1,
    maxAttempts: 3,
    timeoutMs: 10_000,
    runAt: 0,
    pinnedWorkerId: null,
    affinityKey: null,
    dependsOn: [],
    onDependencyFailure: "cancel",
    workerId: "w1",
    fencingToken: 7,
    result: null,
    lastError: null,
    createdAt: 0,
    updatedAt: 0,
    startedAt: 0,
    finishedAt: null,
    ...overrides,
  };
}

export const noMemory: TaskMemory = { context: {}, get: async () => null, set: async () => undefined };

export const silentLog = pino({ level: "silent" });

/** A pino destination collecting parsed JSON lines. */
export function collectingStream(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n"))
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines };
}
