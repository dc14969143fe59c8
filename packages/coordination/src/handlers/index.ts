export type { HandlerContext, HandlerDefinition, TaskHandler, TaskMemory } from "./task-handler.js";
export { defineHandler } from "./task-handler.js";
export { BUILTIN_HANDLER_DEFINITIONS, SLEEP_CAP_MS } from "./builtin-handlers.js";
export { createCommandHandler, KILL_GRACE_MS, DEFAULT_MAX_OUTPUT_BYTES } from "./command-handler.js";
export type { CommandHandlerOptions } from "./command-handler.js";
export { resolveHandlers } from "./resolve-handlers.js";
export { validateParams } from "./validate-params.js";
export { UnrecoverableTaskError, CommandFailedError } from "./unrecoverable-error.js";
