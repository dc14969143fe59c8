import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import { SentinelError } from "../errors.js";
import type { HandlerDefinition } from "./task-handler.js";
import { defineHandler } from "./task-handler.js";
import { UnrecoverableTaskError } from "./unrecoverable-error.js";

/** Longest a demo `sleep` task may ask for, so a typo cannot park a worker slot for hours. */
export const SLEEP_CAP_MS = 60_000;

const noop: HandlerDefinition = { run: async () => null };

/** Returns its params: handy to watch params, results and the event log line up. */
const echo: HandlerDefinition = { run: async ({ params }) => params };

const sleep = defineHandler(
  z.object({ ms: z.number().int().min(0).max(SLEEP_CAP_MS) }).loose(),
  async ({ params, signal }) => {
    await delay(params.ms, undefined, { signal });
    return { slept: params.ms };
  },
);

/** What the demo `fail` handler throws when asked for a retryable failure. */
class DemoFailureError extends SentinelError {
  readonly code = "DEMO_FAILURE";
}

/** Fails on purpose: demos of retries, backoff and the dead state. */
const fail = defineHandler(
  z.object({ message: z.string().max(500).optional(), retryable: z.boolean().optional() }).loose(),
  async ({ params, attempt }) => {
    const message = params.message ?? `demo failure on attempt ${attempt}`;
    if (params.retryable === false) throw new UnrecoverableTaskError(message);
    throw new DemoFailureError(message);
  },
);

export const BUILTIN_HANDLER_DEFINITIONS: Record<"noop" | "echo" | "sleep" | "fail", HandlerDefinition> = {
  noop,
  echo,
  sleep,
  fail,
};
