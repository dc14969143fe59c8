import type { HandlerSpec } from "../config/schema.js";
import { BUILTIN_HANDLER_DEFINITIONS } from "./builtin-handlers.js";
import { type CommandHandlerOptions, createCommandHandler } from "./command-handler.js";
import type { HandlerDefinition } from "./task-handler.js";

/** The worker's "load modules" start-up step: task type → runnable handler, from the worker's own config. */
export function resolveHandlers(
  specs: Record<string, HandlerSpec>,
  opts: CommandHandlerOptions = {},
): Map<string, HandlerDefinition> {
  const handlers = new Map<string, HandlerDefinition>();
  for (const [type, spec] of Object.entries(specs)) {
    handlers.set(
      type,
      "builtin" in spec ? BUILTIN_HANDLER_DEFINITIONS[spec.builtin] : createCommandHandler(spec, opts),
    );
  }
  return handlers;
}
