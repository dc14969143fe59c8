/**
 * What the peer queue workers (graphile-worker, pg-boss) share as child processes of the
 * bench: settings from the environment (no shell, no arguments to escape), readiness over
 * IPC, and a graceful stop on SIGTERM.
 */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${process.argv[1]}: env ${name} is required`);
  return value;
}

export function positiveIntFromEnv(name: string): number {
  const value = Number(requiredEnv(name));
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${process.argv[1]}: ${name} must be a positive integer, got ${process.env[name]}`);
  return value;
}

/** Runs `stop` once on SIGTERM, then exits. */
export function stopOnSigterm(stop: () => Promise<unknown>): void {
  process.once("SIGTERM", () => {
    void stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${process.argv[1]}: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}

export const READY = { type: "ready" } as const;

export const isReady = (m: unknown): m is typeof READY =>
  typeof m === "object" && m !== null && (m as { type?: unknown }).type === "ready";
