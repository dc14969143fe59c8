import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { createTask, getTask } from "./support/api";
import { currentStack } from "./support/backend";
import { loginContext } from "./support/session";
import { E2E_ENV } from "./support/stack-env";
import { recordFalseGaps, timelineLastBeatAge, workersWithRecordedSilence } from "./support/timeline";
import { startWorker, stopAllWorkers } from "./support/workers";

const INTERVAL_MS = Number(E2E_ENV.HEARTBEAT_INTERVAL_MS);
const LIVE = ["local-1", "local-2", "local-3"];

test.afterEach(stopAllWorkers);

test("SIGKILL a busy worker: timeline gap, STALE then OFFLINE, its lock goes, its task completes elsewhere", async ({
  page,
  context,
}) => {
  // Only these two workers handle this type, so the task can only move from one to the other.
  // The task runs until the test opens its gate, so the survivor still holds it whenever the
  // locks page looks, however long detection takes on this stack and this machine's load.
  // Logged in: the Remove button on an OFFLINE worker is an operator's action.
  await loginContext(context);
  const type = "e2e-crash";
  const gate = join(currentStack().dataDir, `crash-gate-${Date.now()}`);
  const victim = startWorker("e2e-crash-c", { handlers: { [type]: "gate" } });
  const task = await createTask({ type, params: { gate }, title: "survives a crash" });
  await expect.poll(async () => (await getTask(task.id)).task.workerId).toBe("e2e-crash-c");
  expect((await getTask(task.id)).task.state).toBe("running");
  startWorker("e2e-crash-d", { handlers: { [type]: "gate" } });

  const locks = await context.newPage();
  await locks.goto("/locks");
  await expect(locks.getByTestId(`lock-owner-${task.id}`)).toContainText("e2e-crash-c");

  await page.goto("/workers");
  await page.getByTestId("worker-search").fill("e2e-crash");
  const badge = page.getByTestId("worker-state-e2e-crash-c");
  await expect(badge).toHaveText(/ACTIVE|BUSY/);
  await expect(page.getByTestId("worker-state-e2e-crash-d")).toHaveText(/ACTIVE|BUSY/);
  const timeline = page.getByTestId("heartbeat-timeline-e2e-crash-c");
  await expect(timeline).toHaveAttribute("data-gaps", "0");

  victim.child.kill("SIGKILL");
  expect(await victim.exited).toBeNull();

  await expect(badge).toHaveText("STALE", { timeout: 15_000 });
  await expect(timeline).not.toHaveAttribute("data-gaps", "0");
  await expect(badge).toHaveText("OFFLINE", { timeout: 15_000 });
  await expect(page.getByTestId("worker-remove-e2e-crash-c")).toBeVisible();

  // The recovered task runs on the survivor; the victim's lock is gone from the locks page.
  await expect(locks.locator(`[data-testid="lock-row-${task.id}"][data-owner="e2e-crash-c"]`)).toHaveCount(0);
  await expect(locks.getByTestId(`lock-owner-${task.id}`)).toContainText("e2e-crash-d", { timeout: 15_000 });

  // The live workers' rows come back from the cache (their timelines were read before the
  // search hid them): from the first frame on, they must not show the time since that read
  // as silence, and once refreshed their last dot is within two intervals of "now".
  const falseGaps = await recordFalseGaps(page, LIVE);
  await page.getByTestId("worker-search").fill("");
  for (const id of LIVE) await expect.poll(() => timelineLastBeatAge(page, id)).toBeLessThan(2 * INTERVAL_MS);
  // A live worker that really beat late has that silence in the recorded heartbeats too (in
  // some CI runs on the GitHub stack, a 500 ms beat of a worker busy recovering the victim
  // came past 1.5 s); a gap the records do not hold is a false one.
  const drawn = await falseGaps();
  const recorded = await workersWithRecordedSilence([...new Set(drawn.map(([id]) => id))], 120_000);
  expect(drawn.filter(([id]) => !recorded.has(id))).toEqual([]);
  await expect(page.getByTestId("heartbeat-timeline-e2e-crash-c")).toHaveAttribute("data-stale-gaps", "1");

  expect((await getTask(task.id)).task.state).toBe("running");
  writeFileSync(gate, "");
  await expect.poll(async () => (await getTask(task.id)).task.state, { timeout: 20_000 }).toBe("succeeded");
  const done = await getTask(task.id);
  expect(done.task.workerId).toBe("e2e-crash-d");
  const kinds = done.events.map((e) => e.kind);
  expect(kinds).toContain("task.failed");
  expect(kinds.filter((k) => k === "task.started")).toHaveLength(2);

  const overview = await context.newPage();
  await overview.goto("/");
  await expect(overview.getByTestId("overview-workers")).toContainText("OFFLINE");
});
