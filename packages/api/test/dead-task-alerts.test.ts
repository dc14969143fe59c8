import { newTaskSchema } from "@sentinel/coordination";
import { afterEach, describe, expect, it } from "vitest";
import { parseControlPlaneEnv } from "../src/env.js";
import { type Harness, openHarness, registration } from "./fixtures.js";

let h: Harness;
afterEach(async () => h?.close());

async function runToDeath(type: string): Promise<string> {
  const task = await h.store.createTask(newTaskSchema.parse({ type, maxAttempts: 1 }), "test");
  const [claimed] = await h.store.claimTasks({
    workerId: "w1",
    taskIds: [task.id],
    metadata: { hostname: "h", pid: 1 },
  });
  if (!claimed) throw new Error("claim failed");
  await h.store.failTask(task.id, claimed.lock.token, { message: "boom", retryable: false, retryDelayMs: 0 });
  return task.id;
}

const deadAlerts = async () =>
  (await h.anonymous.overview.get()).alerts.filter((a) => a.code === "tasks_dead").map((a) => [a.subject, a.message]);

describe("the tasks_dead rule", () => {
  it("fires per type for tasks that went dead within the window and clears when they are requeued", async () => {
    h = openHarness({ env: { SENTINEL_ALERT_DEAD_WINDOW_MS: "600000" } });
    await h.store.registerWorker(registration("w1", { leaseMs: 60_000, supportedTaskTypes: ["demo", "mail"] }));
    const a = await runToDeath("demo");
    await runToDeath("demo");
    const b = await runToDeath("mail");
    await h.cp.syncer.syncOnce();
    expect(await deadAlerts()).toEqual([
      ["demo", "2 task(s) of type demo went dead (attempts exhausted) in the last 10 min"],
      ["mail", "1 task(s) of type mail went dead (attempts exhausted) in the last 10 min"],
    ]);
    await h.store.requeueTask(b, { actor: "operator:test", reason: "retry" });
    await h.store.requeueTask(a, { actor: "operator:test", reason: "retry" });
    await h.cp.syncer.syncOnce();
    expect(await deadAlerts()).toEqual([["demo", expect.stringMatching(/^1 task\(s\) of type demo/)]]);
  });

  it("names SENTINEL_ALERT_DEAD_WINDOW_MS when it is too short", () => {
    expect(() => parseControlPlaneEnv({ SENTINEL_ALERT_DEAD_WINDOW_MS: "10" })).toThrow(
      /SENTINEL_ALERT_DEAD_WINDOW_MS/,
    );
  });
});
