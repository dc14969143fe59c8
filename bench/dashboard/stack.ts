import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { spawnTsx, stopChild } from "../child-process.js";
import { findFreePort } from "../free-port.js";

const START_SCRIPT = fileURLToPath(new URL("../../scripts/start.ts", import.meta.url));
/** Covers a `next build` under load: start.ts rebuilds the dashboard when its sources are newer than the build. */
const READY_TIMEOUT_MS = 300_000;
/** start.ts stops its server within 10 s of SIGTERM; past this the launcher is killed. */
const STOP_GRACE_MS = 20_000;

export interface RunningStack {
  baseUrl: string;
  operatorToken: string;
  /** Launch → `/health` answering, including any rebuild of the dashboard. */
  startMs: number;
  stop(): Promise<void>;
}

async function waitForHealth(url: string, child: ChildProcess, deadline: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`scripts/start.ts exited with code ${child.exitCode} before ${url} answered`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${READY_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The product as `pnpm start` runs it (production Next build, control plane with its syncer
 * at default cadences), on the given data directory, with no local workers and no demo
 * tasks: the benchmark writes to the store itself.
 */
export async function startStack(dataDir: string): Promise<RunningStack> {
  const port = await findFreePort();
  const operatorToken = randomBytes(24).toString("base64url");
  const started = performance.now();
  const child = spawnTsx(START_SCRIPT, {
    label: "scripts/start.ts",
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      SENTINEL_DATA_DIR: dataDir,
      SENTINEL_OPERATOR_TOKEN: operatorToken,
      SENTINEL_LOCAL_WORKERS: "0",
      SENTINEL_DEMO_TASKS: "0",
      LOG_LEVEL: "warn",
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(`${baseUrl}/health`, child, Date.now() + READY_TIMEOUT_MS);
  } catch (error) {
    await stopChild(child, STOP_GRACE_MS);
    throw error;
  }
  return { baseUrl, operatorToken, startMs: performance.now() - started, stop: () => stopChild(child, STOP_GRACE_MS) };
}
