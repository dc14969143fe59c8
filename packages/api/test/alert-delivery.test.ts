import { alertKey, ConfigError, foldAlertLog } from "@sentinel/coordination";
import { tempDir, waitFor } from "@sentinel/test-support";
import { type AlertReceiver, startAlertReceiver } from "@sentinel/test-support/alert-receiver";
import { waitForStoreTime } from "@sentinel/test-support/clock";
import { openTempStore, type TempStore } from "@sentinel/test-support/store";
import { afterEach, describe, expect, it } from "vitest";
import { readAlertEvents } from "../src/cache/alert-event-rows.js";
import { createCaller } from "../src/root.js";
import { type ControlPlane, createControlPlane } from "../src/server/index.js";
import { OPERATOR_TOKEN, registration } from "./fixtures.js";

const SECRET = "webhook-signing-secret-0123456789";
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Cluster {
  temp: TempStore;
  planes: ControlPlane[];
}

/** Control planes as separate processes would have them: each its own store connection and cache file. */
function openCluster(count: number, env: Record<string, string>, claimLeaseMs?: number): Cluster {
  const temp = openTempStore("sentinel-alerts");
  cleanups.push(() => temp.cleanup());
  const planes: ControlPlane[] = [];
  for (let i = 0; i < count; i++) {
    const dir = tempDir(`sentinel-alerts-cp${i}`);
    const cp = createControlPlane({
      store: i === 0 ? temp.store : temp.open(),
      dataDir: dir.path,
      env: {
        SENTINEL_OPERATOR_TOKEN: OPERATOR_TOKEN,
        SENTINEL_SESSION_SECRET: "s".repeat(40),
        SENTINEL_ALERT_RESOLVE_AFTER_MS: "0",
        ...env,
      },
      startSyncer: false,
      ...(claimLeaseMs ? { alerts: { claimLeaseMs } } : {}),
    });
    cleanups.push(async () => {
      await cp.close();
      dir.remove();
    });
    planes.push(cp);
  }
  return { temp, planes };
}

/** Every control plane ticks at once, as their loops would overlap. */
const tickAll = (planes: ControlPlane[]) => Promise.all(planes.map((cp) => cp.alertEngine.tick()));

async function receiver(): Promise<AlertReceiver> {
  const r = await startAlertReceiver();
  cleanups.push(() => r.close());
  return r;
}

async function killWorker(c: Cluster, id: string): Promise<void> {
  await c.temp.store.registerWorker(registration(id, { leaseMs: 60_000 }));
  await c.temp.store.transitionWorker(id, "STALE", { actor: "test", reason: "killed" });
  await c.temp.store.transitionWorker(id, "OFFLINE", { actor: "test", reason: "killed" });
}

const events = (r: AlertReceiver, event: "fired" | "resolved", subject = "w1") =>
  r.received.filter(
    (x) =>
      x.body.sentinel.event === event &&
      x.body.sentinel.rule === "workers_offline" &&
      x.body.sentinel.subject === subject,
  );

describe("alert delivery to a webhook", () => {
  it("two control planes on one store deliver each fire and each resolve exactly once, signed", async () => {
    const r = await receiver();
    const c = openCluster(2, { SENTINEL_ALERT_WEBHOOK_URL: r.url, SENTINEL_ALERT_WEBHOOK_SECRET: SECRET });
    await killWorker(c, "w1");
    await killWorker(c, "w2");
    await waitFor(
      async () => {
        await tickAll(c.planes);
        return events(r, "fired").length > 0 && events(r, "fired", "w2").length > 0;
      },
      { what: "the fire delivered" },
    );
    // More overlapping passes: each one would deliver again if dedupe or the claim did not hold.
    for (let i = 0; i < 5; i++) await tickAll(c.planes);
    expect(events(r, "fired")).toHaveLength(1);
    const [fired] = events(r, "fired");
    expect(fired!.body.text).toMatch(
      /^\[FIRING\] critical workers_offline \(w1\): worker w1 is OFFLINE: its lease ran out and its work was recovered$/,
    );
    expect(fired!.body.blocks).toHaveLength(2);
    expect(r.signatureValid(fired!, SECRET)).toBe(true);
    expect(r.signatureValid(fired!, "another-secret-of-enough-length")).toBe(false);

    // The worker comes back: a fresh registration, nothing offline any more.
    await c.temp.store.registerWorker(registration("w1", { leaseMs: 60_000 }));
    await waitFor(
      async () => {
        await tickAll(c.planes);
        return events(r, "resolved").length > 0;
      },
      { what: "the resolve delivered" },
    );
    for (let i = 0; i < 5; i++) await tickAll(c.planes);
    expect(events(r, "resolved")).toHaveLength(1);
    // Each offline worker is its own alert: w2 is still down, its alert still open.
    expect(events(r, "fired", "w2")).toHaveLength(1);
    expect(events(r, "resolved", "w2")).toHaveLength(0);
    expect(events(r, "resolved")[0]!.body.sentinel.alertId).toBe(fired!.body.sentinel.alertId);

    // Both control planes show the same history: one alert, resolved, each transition delivered once.
    for (const cp of c.planes) {
      await cp.syncer.syncOnce();
      const list = await createCaller(cp.createContext({ headers: new Headers() })).alerts.list();
      const offline = list.alerts.filter((a) => a.code === "workers_offline" && a.subject === "w1");
      expect(offline).toHaveLength(1);
      expect(offline[0]).toMatchObject({ state: "resolved", id: fired!.body.sentinel.alertId });
      expect(offline[0]!.deliveries.map((d) => [d.transition, d.state, d.attempts.length])).toEqual([
        ["fired", "delivered", 1],
        ["resolved", "delivered", 1],
      ]);
      expect(list.alerts.find((a) => a.subject === "w2")).toMatchObject({ state: "firing" });
      expect(list.channels).toEqual([{ channel: "webhook", target: `${new URL(r.url).origin}/…` }]);
    }
  });

  it("retries a failing receiver with back-off and logs every attempt's status", async () => {
    const r = await receiver();
    r.failNext(500, 503);
    const c = openCluster(2, { SENTINEL_ALERT_WEBHOOK_URL: r.url, SENTINEL_ALERT_RETRY_BASE_MS: "300" });
    await killWorker(c, "w1");
    await waitFor(
      async () => {
        await tickAll(c.planes);
        return r.received.some((x) => x.status === 200);
      },
      { what: "a successful delivery after the failures", intervalMs: 50 },
    );
    expect(r.received.map((x) => x.status)).toEqual([500, 503, 200]);
    // The same delivery each time (one idempotency key).
    expect(new Set(r.received.map((x) => x.headers["x-sentinel-delivery"])).size).toBe(1);
    const log = foldAlertLog(readAlertEvents(c.planes[0]!.cache.db));
    const delivery = log.open.get(alertKey("workers_offline", "w1"))!.deliveries[0]!;
    expect(delivery.state).toBe("delivered");
    expect(delivery.attempts.map((a) => [a.ok, a.status, a.error])).toEqual([
      [false, 500, "HTTP 500 Internal Server Error"],
      [false, 503, "HTTP 503 Service Unavailable"],
      [true, 200, null],
    ]);
    // Back-off: no attempt before the previous one's retryAt (300 ms, then 600 ms).
    const [a1, a2, a3] = delivery.attempts;
    expect(a1!.retryAt! - a1!.at).toBe(300);
    expect(a2!.retryAt! - a2!.at).toBe(600);
    expect(a2!.at).toBeGreaterThanOrEqual(a1!.retryAt!);
    expect(a3!.at).toBeGreaterThanOrEqual(a2!.retryAt!);
  });

  it("a delivery claimed by a control plane that died is taken over once its claim lapses", async () => {
    const r = await receiver();
    const c = openCluster(1, { SENTINEL_ALERT_WEBHOOK_URL: r.url });
    const [cp] = c.planes;
    await killWorker(c, "w1");
    const fired = await c.temp.store.appendEvent({
      kind: "alert.fired",
      taskId: null,
      workerId: null,
      actor: "control-plane:dead",
      data: { code: "workers_offline", subject: "w1", severity: "critical", message: "worker w1 is OFFLINE" },
    });
    // The dead plane's claim, appended before it died mid-delivery.
    const claim = await c.temp.store.appendEvent({
      kind: "alert.delivery_claimed",
      taskId: null,
      workerId: null,
      actor: "control-plane:dead",
      data: { transitionId: fired.id, channel: "webhook", leaseMs: 1_500 },
    });
    await cp!.alertEngine.tick();
    expect(r.received).toHaveLength(0);
    await waitForStoreTime(c.temp.store, claim.at + 1_500);
    await waitFor(
      async () => {
        await cp!.alertEngine.tick();
        return r.received.length > 0;
      },
      { what: "the take-over delivery" },
    );
    expect(r.received).toHaveLength(1);
    expect(r.received[0]!.body.sentinel.alertId).toBe(fired.id);
  });

  it("never shows the webhook URL's path, even in a connection error", async () => {
    const r = await receiver();
    const unreachable = `${r.url.replace(/:\d+/, ":9")}`;
    const c = openCluster(1, { SENTINEL_ALERT_WEBHOOK_URL: unreachable });
    await killWorker(c, "w1");
    const cp = c.planes[0]!;
    const caller = createCaller(cp.createContext({ headers: new Headers() }));
    const attempt = await waitFor(
      async () => {
        await cp.alertEngine.tick();
        return (await caller.alerts.list()).alerts[0]?.deliveries[0]?.attempts[0];
      },
      { what: "a failed attempt" },
    );
    expect(attempt.ok).toBe(false);
    expect(attempt.error).toBeTruthy();
    const shown = JSON.stringify(await caller.alerts.list());
    expect(shown).not.toContain("secret-path-token");
    expect(shown).toContain("http://127.0.0.1:9/…");
  });

  it("refuses bad alert settings naming the variable", () => {
    const dir = tempDir("sentinel-alerts-env");
    cleanups.push(() => dir.remove());
    const temp = openTempStore("sentinel-alerts-env");
    cleanups.push(() => temp.cleanup());
    const open = (env: Record<string, string>) => () =>
      createControlPlane({ store: temp.store, dataDir: dir.path, env, startSyncer: false });
    expect(open({ SENTINEL_ALERT_WEBHOOK_URL: "ftp://example.com/hook" })).toThrow(ConfigError);
    expect(open({ SENTINEL_ALERT_WEBHOOK_URL: "ftp://example.com/hook" })).toThrow(/SENTINEL_ALERT_WEBHOOK_URL/);
    expect(open({ SENTINEL_ALERT_WEBHOOK_SECRET: "short" })).toThrow(/SENTINEL_ALERT_WEBHOOK_SECRET/);
    expect(open({ SENTINEL_ALERT_RETRY_BASE_MS: "soon" })).toThrow(/SENTINEL_ALERT_RETRY_BASE_MS/);
  });
});
