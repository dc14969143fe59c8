import type { CoordinationStore } from "@sentinel/coordination";
import { tempDir, waitFor } from "@sentinel/test-support";
import { type AlertReceiver, startAlertReceiver } from "@sentinel/test-support/alert-receiver";
import { closedAfterEach, fastStoreOptions, OWNER, REPO, TOKENS } from "@sentinel/test-support/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { ALERT_ISSUE_LABEL } from "../src/alerts/github-issue-sender.js";
import { type ControlPlane, createControlPlane } from "../src/server/index.js";
import { OPERATOR_TOKEN, registration } from "./fixtures.js";

const opened = closedAfterEach();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function controlPlane(store: CoordinationStore, env: Record<string, string>): ControlPlane {
  const dir = tempDir("sentinel-alert-issues");
  const cp = createControlPlane({
    store,
    dataDir: dir.path,
    env: { SENTINEL_OPERATOR_TOKEN: OPERATOR_TOKEN, SENTINEL_ALERT_RESOLVE_AFTER_MS: "0", ...env },
    startSyncer: false,
  });
  cleanups.push(async () => {
    await cp.close();
    dir.remove();
  });
  return cp;
}

describe("alerts on the GitHub backend (emulator over HTTP)", () => {
  it("two control planes open one issue on fire and comment + close it on resolve, beside one webhook delivery each", async () => {
    const emulator = await opened.emulator();
    const receiver: AlertReceiver = await startAlertReceiver();
    cleanups.push(() => receiver.close());
    const env = { SENTINEL_ALERT_GITHUB_ISSUES: "1", SENTINEL_ALERT_WEBHOOK_URL: receiver.url };
    const stores = [
      await opened.store(fastStoreOptions(emulator, TOKENS.bot)),
      await opened.store(fastStoreOptions(emulator, TOKENS.bot)),
    ];
    const planes = stores.map((store) => controlPlane(store, env));
    const tick = () => Promise.all(planes.map((cp) => cp.alertEngine.tick()));
    // Read back over the emulator's REST API, as any GitHub client would.
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}${path}`, {
        headers: { authorization: `token ${TOKENS.acme}`, accept: "application/vnd.github+json" },
      });
      if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
      return (await res.json()) as T;
    };
    type Issue = { number: number; state: string; title: string; body: string; labels: Array<{ name: string }> };
    const alertIssues = () => get<Issue[]>(`/issues?labels=${ALERT_ISSUE_LABEL}&state=all`);

    const [store] = stores;
    await store!.registerWorker(registration("w-1", { leaseMs: 600_000 }));
    await store!.transitionWorker("w-1", "STALE", { actor: "test", reason: "killed" });
    await store!.transitionWorker("w-1", "OFFLINE", { actor: "test", reason: "killed" });

    const issue = await waitFor(
      async () => {
        await tick();
        const issues = await alertIssues();
        return receiver.received.length > 0 && issues.length > 0 ? issues[0] : null;
      },
      { timeoutMs: 20_000, what: "the alert issue and the webhook delivery" },
    );
    for (let i = 0; i < 3; i++) await tick();
    expect(await alertIssues()).toHaveLength(1);
    expect(issue).toMatchObject({ state: "open", title: "[alert] critical workers_offline (w-1)" });
    expect(issue.labels.map((l) => l.name)).toEqual([ALERT_ISSUE_LABEL]);
    expect(issue.body).toContain("worker w-1 is OFFLINE");
    expect(receiver.received.map((r) => r.body.sentinel.event)).toEqual(["fired"]);

    // Back: the issue is commented and closed, once.
    await store!.registerWorker(registration("w-1", { leaseMs: 600_000 }));
    await waitFor(
      async () => {
        await tick();
        const [current] = await alertIssues();
        return current?.state === "closed" && receiver.received.length === 2;
      },
      { timeoutMs: 20_000, what: "the issue closed and the resolve delivered" },
    );
    for (let i = 0; i < 3; i++) await tick();
    const comments = await get<Array<{ body: string }>>(`/issues/${issue.number}/comments`);
    expect(comments.map((c) => c.body?.split("\n")[0])).toEqual([
      "[RESOLVED] critical workers_offline (w-1): worker w-1 is OFFLINE: its lease ran out and its work was recovered",
    ]);
    expect(receiver.received.map((r) => r.body.sentinel.event)).toEqual(["fired", "resolved"]);
    expect(await alertIssues()).toHaveLength(1);

    // The delivery log names the issue on both channels' records.
    await planes[1]!.syncer.syncOnce();
    const { createCaller } = await import("../src/root.js");
    const list = await createCaller(planes[1]!.createContext({ headers: new Headers() })).alerts.list();
    const deliveries = list.alerts.find((a) => a.subject === "w-1")!.deliveries;
    expect(deliveries.map((d) => [d.transition, d.channel, d.state, d.result?.issue ?? null]).sort()).toEqual(
      [
        ["fired", "github_issue", "delivered", issue.number],
        ["fired", "webhook", "delivered", null],
        ["resolved", "github_issue", "delivered", issue.number],
        ["resolved", "webhook", "delivered", null],
      ].sort(),
    );
  });

  it("a control plane starting with an empty cache after the history horizon keeps an alert open from before it", async () => {
    const emulator = await opened.emulator();
    const receiver: AlertReceiver = await startAlertReceiver();
    cleanups.push(() => receiver.close());
    const env = { SENTINEL_ALERT_WEBHOOK_URL: receiver.url };
    const first = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await first.registerWorker(registration("w-live", { leaseMs: 600_000_000 }));
    await first.registerWorker(registration("w-1", { leaseMs: 600_000 }));
    await first.transitionWorker("w-1", "STALE", { actor: "test", reason: "killed" });
    await first.transitionWorker("w-1", "OFFLINE", { actor: "test", reason: "killed" });
    const early = controlPlane(first, env);
    await waitFor(
      async () => {
        await early.alertEngine.tick();
        return receiver.received.length > 0;
      },
      { timeoutMs: 20_000, what: "the fire delivered" },
    );
    const [fired] = receiver.received;

    // Two hours on, a live worker still beating: the alert's events are older than a new reader's horizon.
    emulator.clock.setOffset(emulator.clock.offsetMs() + 2 * 3_600_000);
    await first.heartbeat("w-live", { activeTasks: 0 });
    const fresh = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    expect((await fresh.readEvents(0, 10_000)).some((e) => e.kind === "alert.fired")).toBe(false);
    const late = controlPlane(fresh, env);
    for (let i = 0; i < 3; i++) await late.alertEngine.tick();
    expect(receiver.received).toHaveLength(1);
    const { createCaller } = await import("../src/root.js");
    const list = await createCaller(late.createContext({ headers: new Headers() })).alerts.list();
    expect(list.alerts.map((a) => [a.id, a.subject, a.state])).toEqual([
      [fired!.body.sentinel.alertId, "w-1", "firing"],
    ]);
  });

  it("refuses SENTINEL_ALERT_GITHUB_ISSUES on the SQLite backend, naming it", async () => {
    const { openTempStore } = await import("@sentinel/test-support/store");
    const temp = openTempStore("sentinel-alert-issues-sqlite");
    cleanups.push(() => temp.cleanup());
    expect(() => controlPlane(temp.store, { SENTINEL_ALERT_GITHUB_ISSUES: "1" })).toThrow(
      /SENTINEL_ALERT_GITHUB_ISSUES.*GitHub backend/,
    );
  });
});
