import { z } from "zod";
import { ValidationError } from "../errors.js";
import { jsonDepth, jsonTextDepth } from "./json-depth.js";

/**
 * Size and depth limits of everything a caller hands the system: the CLI, the tRPC API, the
 * store port, webhooks and config files all check against these numbers (docs/security.md).
 *
 * Depth is always measured iteratively (an explicit stack, or a scan of the raw text) and
 * before anything recursive touches the data: JSON.stringify, superjson and zod's recursive
 * schemas overflow the call stack a few thousand levels down, and one such row in the store
 * used to break every list that contained it.
 */
export { jsonDepth, jsonTextDepth };

export const LIMITS = {
  /** Nesting of objects and arrays in params, results, memory values and event data. */
  jsonDepth: 64,
  /** A task's params as JSON. */
  paramsBytes: 1_000_000,
  /** A task's result as JSON. */
  resultBytes: 1_000_000,
  /** One shared-memory value as JSON. */
  memoryValueBytes: 256 * 1024,
  /** Store event data and other small JSON records (lock metadata, labels). */
  recordBytes: 1_000_000,
  /** Ids and names (task ids, worker ids, actors). */
  nameChars: 200,
  /** One HTTP request body of the control plane's API (params plus the envelope around them). */
  requestBodyBytes: 4 * 1024 * 1024,
  /** A GitHub webhook delivery; GitHub's issue and comment events are far smaller. */
  webhookBodyBytes: 1024 * 1024,
  /** A worker's config file. */
  configFileBytes: 1024 * 1024,
  /** One task log line's message (longer ones are cut and marked, see domain/task-log.ts). */
  logLineChars: 1000,
  /** A task log line's fields as JSON. */
  logFieldsBytes: 2048,
  /** Lines a task's log keeps (the oldest go first and are counted as dropped). */
  taskLogLines: 200,
  /** Characters a task's kept log holds, messages and fields together (fits one GitHub comment). */
  taskLogChars: 32_000,
} as const;

export interface JsonLimit {
  maxBytes: number;
  maxDepth: number;
}

export const PARAMS_LIMIT: JsonLimit = { maxBytes: LIMITS.paramsBytes, maxDepth: LIMITS.jsonDepth };
export const RESULT_LIMIT: JsonLimit = { maxBytes: LIMITS.resultBytes, maxDepth: LIMITS.jsonDepth };
export const MEMORY_VALUE_LIMIT: JsonLimit = { maxBytes: LIMITS.memoryValueBytes, maxDepth: LIMITS.jsonDepth };
export const RECORD_LIMIT: JsonLimit = { maxBytes: LIMITS.recordBytes, maxDepth: LIMITS.jsonDepth };

function depthExpectation(limit: JsonLimit): string {
  return `JSON nested at most ${limit.maxDepth} levels deep (limit jsonDepth)`;
}

/** The problem with a value against a limit, or null; `bytes` is only measured when the depth is within it. */
export function jsonLimitProblem(value: unknown, limit: JsonLimit): string | null {
  if (jsonDepth(value, limit.maxDepth) > limit.maxDepth) return depthExpectation(limit);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return null;
  }
  if (text !== undefined && Buffer.byteLength(text) > limit.maxBytes) return `at most ${limit.maxBytes} bytes of JSON`;
  return null;
}

/** Throw a ValidationError naming `field` and the limit when `value` is deeper or larger than allowed. */
export function assertJsonWithin(value: unknown, field: string, limit: JsonLimit): void {
  const problem = jsonLimitProblem(value, limit);
  if (problem) throw new ValidationError(field, problem);
}

/**
 * A zod schema for free-form JSON (params, results, memory values) that checks the limit
 * iteratively; zod itself never descends into the value.
 */
export function boundedJson(limit: JsonLimit) {
  return z.unknown().superRefine((value, ctx) => {
    const problem = jsonLimitProblem(value, limit);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}
