import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

export interface CreateLoggerOptions {
  level?: string;
  component: string;
  workerId?: string;
  /** Defaults to stdout. Tests pass a stream to read the lines back. */
  destination?: DestinationStream;
}

/**
 * Paths pino replaces with "[redacted]": credentials anywhere near a log call, and task
 * params a caller marked secret (`{ secret: true, … }` or keys under `secrets`).
 */
export const REDACT_PATHS = [
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "password",
  "*.password",
  "secret",
  "*.secret",
  "hmacSecret",
  "*.hmacSecret",
  "GITHUB_TOKEN",
  "*.GITHUB_TOKEN",
  "privateKey",
  "*.privateKey",
  "GITHUB_APP_PRIVATE_KEY",
  "*.GITHUB_APP_PRIVATE_KEY",
  "env.GITHUB_TOKEN",
  "metadata.params.secrets",
  "metadata.secrets",
  "params.secrets",
];

/**
 * JSON lines with fixed fields: timestamp (ISO), level (label), component, worker_id,
 * action, task_id, result, duration_ms, metadata. Call sites pass the last five per line.
 */
export function createLogger(opts: CreateLoggerOptions): Logger {
  return pino(
    {
      level: opts.level ?? "info",
      base: { component: opts.component, ...(opts.workerId ? { worker_id: opts.workerId } : {}) },
      messageKey: "message",
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
