export { BUILTIN_HANDLER_DEFINITIONS, SLEEP_CAP_MS } from "./builtin-handlers.js";
export type { CommandHandlerOptions } from "./command-handler.js";
export { createCommandHandler, DEFAULT_MAX_OUTPUT_BYTES, KILL_GRACE_MS } from "./command-handler.js";
export { resolveHandlers } from "./resolve-handlers.js";
export type { HandlerContext, HandlerDefinition, TaskHandler, TaskMemory } from "./task-handler.js";
export { defineHandler } from "./task-handler.js";
export { CommandFailedError, UnrecoverableTaskError } from "./unrecoverable-error.js";
export { validateParams } from "./validate-params.js";
