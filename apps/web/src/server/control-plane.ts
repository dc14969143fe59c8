import { type ControlPlane, controlPlaneSpendCheck, createControlPlane } from "@sentinel/api/server";
import { describeSpendProblem, enforceSpendCheck, openStoreFromEnv } from "@sentinel/coordination";
import { defaultDataDir } from "@sentinel/coordination/sqlite";
import { readWebEnv } from "./env";

/**
 * One control plane per server process. Kept on globalThis so `next dev` hot reloads reuse
 * the open cache, store and syncer instead of starting another syncer each time a route
 * module is re-evaluated. The backend follows the workers' rule (SENTINEL_STORE, or the
 * GITHUB_* variables, else SQLite); opening the GitHub store needs requests, hence a promise.
 */
const holder = globalThis as typeof globalThis & { __sentinelControlPlane?: Promise<ControlPlane> };

async function openControlPlane(): Promise<ControlPlane> {
  const { all: env, sync } = readWebEnv();
  // Before the first request to GitHub: a deployment that cannot idle within its token's limit is refused here.
  const spendCheck = controlPlaneSpendCheck(env, sync);
  if (spendCheck)
    enforceSpendCheck(spendCheck, (problem) => console.warn(`control plane: ${describeSpendProblem(problem)}`));
  const { store, description } = await openStoreFromEnv({
    env,
    // SQLite waits out its busy_timeout synchronously, on the loop that answers the dashboard
    // and the API; the store's own retries wait beyond it asynchronously (as for workers).
    busyTimeoutMs: 100,
    // Location and reason only: the store never hands over comment bodies or secrets.
    githubLog: (level, message, fields) => console[level](`control plane: github store: ${message}`, fields ?? {}),
  });
  const controlPlane = createControlPlane({
    store,
    dataDir: defaultDataDir(env),
    env,
    ownsStore: true,
    sync,
  });
  console.log(`control plane: store ${description}`);
  if (controlPlane.token) {
    // Printed once so an operator can log in; `pnpm start` configures the token itself.
    console.log(`control plane: no SENTINEL_OPERATOR_TOKEN configured; generated admin token: ${controlPlane.token}`);
  }
  return controlPlane;
}

export function getControlPlane(): Promise<ControlPlane> {
  if (!holder.__sentinelControlPlane) {
    const opening = openControlPlane();
    holder.__sentinelControlPlane = opening;
    // A failed open (GitHub unreachable, bad configuration) is retried by the next request.
    opening.catch((error: unknown) => {
      if (holder.__sentinelControlPlane === opening) delete holder.__sentinelControlPlane;
      console.error(
        `control plane: could not open the store: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }
  return holder.__sentinelControlPlane;
}
