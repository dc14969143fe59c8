import type { CoordinationStore } from "@sentinel/coordination";
import { tempDir } from "@sentinel/test-support";
import { afterEach } from "vitest";
import { createCaller } from "../src/root.js";
import { type ControlPlane, createControlPlane } from "../src/server/index.js";

/**
 * For a test file: starts control planes with a fast syncer over a given store, each in its
 * own data directory, all closed after each test. Returns the starter, which answers a viewer.
 */
export function controlPlanesPerTest(): (store: CoordinationStore, name: string) => ReturnType<typeof createCaller> {
  const opened: Array<{ cp: ControlPlane; dir: { remove(): void } }> = [];
  afterEach(async () => {
    for (const { cp, dir } of opened.splice(0)) {
      await cp.close();
      dir.remove();
    }
  });
  return (store, name) => {
    const dir = tempDir(`sentinel-api-${name}`);
    const cp = createControlPlane({
      store,
      dataDir: dir.path,
      env: { SENTINEL_OPERATOR_TOKEN: "alice:alice-secret-token-0123456789", SENTINEL_SESSION_SECRET: "s".repeat(40) },
      startSyncer: true,
      sync: { pollIntervalMs: 50, workersRefreshMs: 100, reconcileIntervalMs: 60_000 },
    });
    opened.push({ cp, dir });
    return createCaller(cp.createContext({ headers: new Headers() }));
  };
}
