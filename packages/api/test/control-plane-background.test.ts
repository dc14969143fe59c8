import { setTimeout as delay } from "node:timers/promises";
import { ACCESS_TOKENS_SETTING_KEY, type CoordinationStore } from "@sentinel/coordination";
import { openTempStore } from "@sentinel/test-support/store";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createOperatorAuth } from "../src/auth/operator-auth.js";
import { startTokenRefresh } from "../src/auth/token-refresh.js";
import { openCache } from "../src/cache/open-cache.js";
import { operatorSessions } from "../src/cache/schema.js";
import { createControlPlane } from "../src/server/index.js";
import { type Harness, loginWithRole, openHarness } from "./fixtures.js";

/** The same store with one method replaced (the rest is the real store). */
function withMethod<K extends keyof CoordinationStore>(
  store: CoordinationStore,
  name: K,
  method: CoordinationStore[K],
): CoordinationStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === name) return method;
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe("token refresh", () => {
  it("keeps the last known tokens (and their sessions) while the token setting cannot be parsed, reporting it", async () => {
    const errors: Error[] = [];
    harness = openHarness({ sync: { onError: (error) => errors.push(error) } });
    const h = harness;
    const viewer = await loginWithRole(h, "viewer");
    await h.store.setSetting(ACCESS_TOKENS_SETTING_KEY, "{not json", "someone");
    await expect(h.cp.tokens.refresh()).rejects.toThrow(/setting access\.tokens/);
    expect(h.cp.auth.sessionFromCookieHeader(viewer.cookie)).toMatchObject({ role: "viewer" });
    expect(h.cp.auth.operatorFromBearer(`Bearer ${viewer.token}`)).toMatchObject({ role: "viewer" });
    // The periodic refresh (1 s on SQLite) reports it too.
    await vi.waitFor(() => expect(errors.map((e) => e.message).join("\n")).toMatch(/setting access\.tokens/), {
      timeout: 3_000,
    });
    expect(h.cp.auth.sessionFromCookieHeader(viewer.cookie)).toMatchObject({ role: "viewer" });
  });

  it("stop() waits for a read in flight, which then leaves the sessions alone", async () => {
    const { dir, store, cleanup } = openTempStore("sentinel-token-stop");
    const cache = openCache({ path: `${dir}/cache.db` });
    try {
      const auth = createOperatorAuth({ db: cache.db, operatorTokens: "alice:alice-secret-token-0123456789" });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const slowStore = withMethod(store, "getSetting", async (key: string) => {
        await gate;
        return store.getSetting(key);
      });
      const errors: unknown[] = [];
      let applied = 0;
      const countingAuth = {
        ...auth,
        setStoredTokens: (tokens: Parameters<typeof auth.setStoredTokens>[0]) => {
          applied++;
          auth.setStoredTokens(tokens);
        },
      };
      const refresh = startTokenRefresh(slowStore, countingAuth, 60_000, (error) => errors.push(error));
      let stopped = false;
      const stopping = refresh.stop().then(() => {
        stopped = true;
      });
      await delay(30);
      expect(stopped).toBe(false);
      release();
      await stopping;
      cache.close();
      await delay(10);
      expect(errors).toEqual([]);
      // The read that finished after stop() was not applied (it would prune sessions).
      expect(applied).toBe(0);
    } finally {
      await cleanup();
    }
  });
});

describe("sessions pruning", () => {
  it("prunes the sessions table when the accepted tokens change, not on every refresh", () => {
    const { dir } = openTempStore("sentinel-session-prune");
    const cache = openCache({ path: `${dir}/cache.db` });
    let clock = 1_000_000;
    try {
      const auth = createOperatorAuth({
        db: cache.db,
        operatorTokens: "alice:alice-secret-token-0123456789",
        sessionSecret: "s".repeat(40),
        sessionTtlMs: 1_000,
        now: () => clock,
      });
      auth.setStoredTokens([]);
      expect(auth.login("alice-secret-token-0123456789").ok).toBe(true);
      const rows = () => cache.db.select().from(operatorSessions).all().length;
      clock += 5_000;
      // Same tokens: the expired row is left for the next change (or the hourly pass).
      auth.setStoredTokens([]);
      expect(rows()).toBe(1);
      auth.setStoredTokens([{ name: "ci", role: "viewer", hash: "a".repeat(64), createdAt: 0, createdBy: "test" }]);
      expect(rows()).toBe(0);
    } finally {
      cache.close();
    }
  });
});

describe("schedule ticks", () => {
  it("reports a failed tick instead of swallowing it", async () => {
    const { dir, store, cleanup } = openTempStore("sentinel-schedule-errors");
    const failing = withMethod(store, "fireDueSlots", async () => {
      throw new Error("store unavailable");
    });
    const errors: Error[] = [];
    const cp = createControlPlane({
      store: failing,
      dataDir: dir,
      env: { SENTINEL_OPERATOR_TOKEN: "alice:alice-secret-token-0123456789" },
      startSyncer: false,
      startScheduler: true,
      sync: { onError: (error) => errors.push(error) },
    });
    try {
      await vi.waitFor(() => expect(errors.map((e) => e.message)).toContain("store unavailable"), { timeout: 3_000 });
    } finally {
      await cp.close();
      await cleanup();
    }
  });
});
