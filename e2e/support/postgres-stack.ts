/**
 * The e2e suite's Postgres stack: a throwaway PostgreSQL server (test-support/postgres.ts),
 * then `scripts/start.ts` (dashboard + control plane + three workers) with the Postgres store
 * selected through the variables a real deployment uses. The database URL is written to
 * `<SENTINEL_DATA_DIR>/postgres-url` so the workers a test starts join the same database
 * (support/backend.ts `storeEnv`). SIGTERM / SIGINT: the stack drains and stops, then the server.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startTempPostgres } from "@sentinel/test-support/postgres";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

async function main(): Promise<void> {
  const dataDir = process.env.SENTINEL_DATA_DIR?.trim();
  if (!dataDir) throw new Error("SENTINEL_DATA_DIR must name the stack's data directory");
  mkdirSync(dataDir, { recursive: true });
  const server = await startTempPostgres();
  const url = await server.createDatabase();
  writeFileSync(join(dataDir, "postgres-url"), url);
  const stack = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts/start.ts")], {
    cwd: ROOT,
    env: { ...process.env, SENTINEL_STORE: "postgres", SENTINEL_POSTGRES_URL: url },
    stdio: "inherit",
  });
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    stack.kill(signal);
    await exited(stack);
    await server.stop();
    process.exit(0);
  };
  process.on("SIGINT", (s) => void shutdown(s));
  process.on("SIGTERM", (s) => void shutdown(s));
  stack.on("exit", (code, signal) => {
    if (stopping) return;
    process.stderr.write(`postgres stack: scripts/start.ts exited (${signal ?? `code ${code}`})\n`);
    void server.stop().then(() => process.exit(code ?? 1));
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(`postgres stack: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
