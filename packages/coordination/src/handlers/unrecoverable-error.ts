import { SentinelError } from "../errors.js";

/** Thrown by a handler when retrying cannot help: the task goes straight to dead. */
export class UnrecoverableTaskError extends SentinelError {
  readonly code = "UNRECOVERABLE";
}

/** Handler failure with a process exit code and the end of its stderr. */
export class CommandFailedError extends SentinelError {
  readonly code = "COMMAND_FAILED";
  constructor(
    readonly exitCode: number | null,
    readonly signalName: string | null,
    readonly stderrTail: string,
    reason: string,
  ) {
    super(`${reason}${stderrTail ? `; stderr: ${stderrTail}` : ""}`);
  }
}
