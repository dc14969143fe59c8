import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { createTask, getTask, trpcMutation } from "./support/api";
import { currentStack } from "./support/backend";
import { loginContext } from "./support/session";
import { startWorker, stopAllWorkers } from "./support/workers";

test.afterEach(stopAllWorkers);

test("Drain on a busy worker: DRAINING, its running task finishes, it takes no new one, then REMOVED — live", async ({
  page,
  context,
}) => {
  const workerId = "e2e-drain";
  // The running task lasts until the test opens its gate, so it is still running whenever the
  // page shows DRAINING, however long the drain takes to appear on this stack.
  const type = "e2e-drain";
  const gate = join(currentStack().dataDir, `drain-gate-${Date.now()}`);
  const worker = startWorker(workerId, { handlers: { [type]: "gate", noop: "noop" } });
  await loginContext(context);
  await page.goto("/workers");
  await page.getByTestId("workers-show-removed").check();
  await page.getByTestId("worker-search").fill(workerId);
  const badge = page.getByTestId(`worker-state-${workerId}`);
  await expect(badge).toHaveText("ACTIVE");

  const running = await createTask({ type, params: { gate }, title: "drain: long task", pinnedWorkerId: workerId });
  await expect.poll(async () => (await getTask(running.id)).task.state).toBe("running");
  await expect(page.getByTestId(`worker-row-${workerId}`).getByTestId("capacity-bar")).toContainText("(1/4)");

  await page.getByTestId(`worker-drain-${workerId}`).click();
  await expect(badge).toHaveText("DRAINING");

  // Work offered to the draining worker only is not taken.
  const offered = await createTask({ type: "noop", title: "drain: must not run", pinnedWorkerId: workerId });
  expect((await getTask(running.id)).task.state).toBe("running");
  writeFileSync(gate, "");

  await expect.poll(async () => (await getTask(running.id)).task.state, { timeout: 15_000 }).toBe("succeeded");
  expect((await getTask(running.id)).task.workerId).toBe(workerId);
  await expect(badge).toHaveText("REMOVED", { timeout: 15_000 });
  expect(await worker.exited).toBe(0);

  const untouched = await getTask(offered.id);
  expect(untouched.task.state).toBe("queued");
  expect(untouched.task.attempts).toBe(0);
  expect(untouched.events.map((e) => e.kind)).not.toContain("task.started");
  await trpcMutation("tasks.cancel", { taskId: offered.id, reason: "e2e cleanup: pinned to a removed worker" });
});
