import { rmSync } from "node:fs";
import { type CoordinationStore, newTaskSchema } from "@sentinel/coordination";
import { tempDir } from "@sentinel/test-support";
import { closedAfterEach, fastStoreOptions, TOKENS } from "@sentinel/test-support/emulator";
import { openTempStore } from "@sentinel/test-support/store";
import { afterEach, describe, expect, it } from "vitest";
import { createCaller } from "../src/root.js";
import { type ControlPlane, createControlPlane } from "../src/server/index.js";

const opened = closedAfterEach();
const planes: ControlPlane[] = [];
afterEach(async () => {
  for (const cp of planes.splice(0)) await cp.close();
});

const BEARER = { authorization: "Bearer alice-secret-token-0123456789" };

/** A control plane with its own cache file in `dataDir`, and a caller holding the bootstrap (admin) token. */
function controlPlane(store: CoordinationStore, dataDir: string) {
  const cp = createControlPlane({
    store,
    dataDir,
    env: { SENTINEL_OPERATOR_TOKEN: "alice:alice-secret-token-0123456789", SENTINEL_SESSION_SECRET: "s".repeat(40) },
    startSyncer: false,
    sync: { pollIntervalMs: 50, workersRefreshMs: 100, reconcileIntervalMs: 60_000 },
  });
  planes.push(cp);
  return { cp, caller: createCaller(cp.createContext({ headers: new Headers(BEARER) })) };
}

async function auditSurvivesRebuild(store: CoordinationStore, peerStore: CoordinationStore): Promise<void> {
  const dirA = tempDir("sentinel-audit-a");
  const a = controlPlane(store, dirA.path);
  const task = await a.caller.tasks.create({ type: "demo" });
  await a.caller.tasks.cancel({ taskId: task.id });
  await expect(a.caller.tasks.cancel({ taskId: task.id })).rejects.toMatchObject({ code: "CONFLICT" });
  const seen = (await a.caller.audit.list({})).items.map((i) => [i.action, i.target, i.result]);
  expect(seen).toEqual([
    ["task.cancel", task.id, "refused"],
    ["task.cancel", task.id, "ok"],
    ["task.create", "demo", "ok"],
  ]);

  // Another control plane (its own cache, another process's store handle) shows the same trail.
  const b = controlPlane(peerStore, tempDir("sentinel-audit-b").path);
  expect((await b.caller.audit.list({})).items.map((i) => [i.action, i.target, i.result])).toEqual(seen);

  // The cache is rebuilt from nothing: the trail is still there, filters included.
  await a.cp.close();
  rmSync(dirA.path, { recursive: true, force: true });
  const rebuilt = controlPlane(store, tempDir("sentinel-audit-a2").path);
  const after = await rebuilt.caller.audit.list({ actor: "alice", target: task.id });
  expect(after.items.map((i) => [i.action, i.result, i.role])).toEqual([
    ["task.cancel", "refused", "admin"],
    ["task.cancel", "ok", "admin"],
  ]);
  expect(after.items[1]).toMatchObject({ before: { state: "queued" }, after: { state: "cancelled" } });
  expect(after.items[0]?.reason).toMatch(/cancel/);
}

describe("the durable audit lives in the store", () => {
  it("SQLite: the same on every control plane, and kept when a control plane's cache is rebuilt", async () => {
    const { store, open, cleanup } = openTempStore("sentinel-audit");
    try {
      await auditSurvivesRebuild(store, open());
    } finally {
      for (const cp of planes.splice(0)) await cp.close();
      await cleanup();
    }
  });

  it("GitHub: the same on every control plane, and kept when a control plane's cache is rebuilt", async () => {
    const emulator = await opened.emulator();
    const store = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    const peer = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await store.createTask(newTaskSchema.parse({ type: "warmup" }), "operator:test");
    await auditSurvivesRebuild(store, peer);
  });
});
