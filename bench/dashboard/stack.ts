import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { findFreePort, waitFor } from "@sentinel/test-support";
import { type LaunchedProcess, launchTsx } from "@sentinel/test-support/processes";

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

/** Resolves once `url` answers 200; fails at once if the stack's process exits first. */
function waitForHealth(url: string, stack: LaunchedProcess): Promise<boolean> {
  return waitFor(
    async () => {
      if (stack.child.exitCode !== null)
        throw new Error(`scripts/start.ts exited with code ${stack.child.exitCode} before ${url} answered`);
      return fetch(url).then(
        (response) => response.ok,
        () => false, // not listening yet
      );
    },
    { timeoutMs: READY_TIMEOUT_MS, intervalMs: 200, what: `${url} answering` },
  );
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
  const stack = launchTsx(START_SCRIPT, {
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
    await waitForHealth(`${baseUrl}/health`, stack);
  } catch (error) {
    await stack.stop(STOP_GRACE_MS);
    throw error;
  }
  return { baseUrl, operatorToken, startMs: performance.now() - started, stop: () => stack.stop(STOP_GRACE_MS) };
}
