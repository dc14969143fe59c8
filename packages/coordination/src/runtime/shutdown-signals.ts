import type { Logger } from "pino";
import type { Worker } from "./create-worker.js";

export interface ShutdownSignalsOptions {
  log: Logger;
  /** Called with the exit code once the worker has stopped (default: process.exit). */
  exit?: (code: number) => void;
  /** After a second signal, how long aborted tasks get to record their failure before the process exits anyway. */
  forceExitAfterMs?: number;
}

/**
 * SIGTERM/SIGINT → drain (finish running tasks, take none) → deregister (REMOVED) → exit 0.
 * A second signal aborts the running tasks (they are failed for immediate retry elsewhere)
 * and exits 1, at the latest after forceExitAfterMs.
 */
export function installShutdownSignals(worker: Worker, opts: ShutdownSignalsOptions): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      opts.log.info(
        { action: "shutdown", result: "draining", metadata: { signal } },
        `${signal}: draining (send again to force)`,
      );
      worker.drain().then(
        () => exit(0),
        () => exit(1),
      );
      return;
    }
    opts.log.warn(
      { action: "shutdown", result: "forced", metadata: { signal } },
      `${signal} again: aborting running tasks`,
    );
    setTimeout(() => exit(1), opts.forceExitAfterMs ?? 3000).unref();
    worker.abort(`forced shutdown (${signal})`).then(
      () => exit(1),
      () => exit(1),
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  };
}
