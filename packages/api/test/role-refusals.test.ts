import { setTimeout as delay } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, loginWithRole, openHarness } from "./fixtures.js";

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const WINDOW_MS = 400;

/** A refused call's error, whatever it is (the call must fail). */
async function refusal(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error("expected the call to be refused");
    },
    (error: unknown) => error,
  );
}

describe("a viewer's refused mutations", () => {
  it("are audited at most once per actor and procedure a window, the next record counting the rest; each is counted on /metrics", async () => {
    h = openHarness({ roleRefusalWindowMs: WINDOW_MS });
    const viewer = await loginWithRole(h, "viewer");
    const task = await h.operator.tasks.create({ type: "demo" });
    for (let i = 0; i < 5; i++) {
      expect(await refusal(viewer.caller.tasks.cancel({ taskId: task.id }))).toMatchObject({ code: "FORBIDDEN" });
    }
    // Another procedure is recorded on its own.
    await refusal(viewer.caller.tasks.retry({ taskId: task.id }));
    const refused = async () => (await h!.store.listAudit({ limit: 50, actor: "viewer-user" })).map((r) => r.action);
    expect(await refused()).toEqual(["tasks.retry", "tasks.cancel"]);

    await delay(WINDOW_MS + 50);
    await refusal(viewer.caller.tasks.cancel({ taskId: task.id }));
    const [latest] = await h.store.listAudit({ limit: 1, actor: "viewer-user" });
    expect(latest).toMatchObject({ action: "tasks.cancel", result: "refused" });
    expect(latest?.reason).toMatch(/needs the operator role.*\(and 4 more refused like it since its last record\)$/);

    const metrics = await h.cp.metrics.metrics();
    expect(metrics).toContain('sentinel_role_refusals_total{procedure="tasks.cancel"} 6');
    expect(metrics).toContain('sentinel_role_refusals_total{procedure="tasks.retry"} 1');
  });
});
