import type { z } from "zod";
import { ValidationError } from "../errors.js";
import type { HandlerDefinition } from "./task-handler.js";

/** Handler params check; failure is a ValidationError naming `params.<field>`, which the runtime treats as not retryable. */
export function validateParams(handler: HandlerDefinition, params: unknown): unknown {
  if (!handler.paramsSchema) return params;
  const result = handler.paramsSchema.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const field = ["params", ...issue.path.map(String)].join(".");
  const received = issue.path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined,
    params,
  );
  throw new ValidationError(field, issue.message, received);
}
