export * from "./errors.js";
export * from "./domain/worker.js";
export * from "./domain/task.js";
export * from "./domain/lock.js";
export * from "./domain/memory.js";
export * from "./domain/events.js";
export type { BackendKind, CoordinationStore } from "./store/port.js";
