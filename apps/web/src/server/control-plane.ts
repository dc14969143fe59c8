import { createControlPlane, type ControlPlane } from "@sentinel/api/server";
import { defaultDataDir, defaultSqlitePath, openSqliteStore } from "@sentinel/coordination/sqlite";

/**
 * One control plane per server process. Kept on globalThis so `next dev` hot reloads reuse
 * the open cache, store and syncer instead of starting another syncer each time a route
 * module is re-evaluated.
 */
const holder = globalThis as typeof globalThis & { __sentinelControlPlane?: ControlPlane };

export function getControlPlane(): ControlPlane {
  if (!holder.__sentinelControlPlane) {
    const dataDir = defaultDataDir(process.env);
    const store = openSqliteStore({ path: defaultSqlitePath(process.env) });
    const controlPlane = createControlPlane({ store, dataDir, env: process.env, ownsStore: true });
    holder.__sentinelControlPlane = controlPlane;
    if (controlPlane.token) {
      // Printed once so an operator can log in; `pnpm start` configures the token itself.
      console.log(`control plane: no SENTINEL_OPERATOR_TOKEN configured; generated operator token: ${controlPlane.token}`);
    }
  }
  return holder.__sentinelControlPlane;
}
