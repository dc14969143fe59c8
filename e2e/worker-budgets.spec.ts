import { expect, test } from "@playwright/test";
import { createTask, getTask } from "./support/api";
import { currentStack } from "./support/backend";
import { loginContext } from "./support/session";
import { startWorker, stopAllWorkers } from "./support/workers";

test.afterEach(stopAllWorkers);

test("Workers page: each process's budget and health, updated live from the metrics heartbeats carry", async ({
  page,
  context,
}) => {
  const workerId = "e2e-budget";
  startWorker(workerId, { handlers: { noop: "noop" } });
  await loginContext(context);
  await page.goto("/workers");
  await page.getByTestId("worker-search").fill(workerId);
  await expect(page.getByTestId(`worker-state-${workerId}`)).toHaveText("ACTIVE");

  const budgets = page.getByTestId("process-budgets");
  await expect(budgets.getByTestId("process-budget-control-plane")).toBeVisible();
  const row = budgets.getByTestId(`process-budget-${workerId}`);
  await expect(row).toContainText("0 done");

  // A finished task reaches the row through the worker's next heartbeat, without a reload.
  const task = await createTask({ type: "noop", title: "budget: one task", pinnedWorkerId: workerId });
  await expect.poll(async () => (await getTask(task.id)).task.state).toBe("succeeded");
  await expect(row).toContainText("1 done");
  if (currentStack().backend === "github") {
    // The worker's own client counts its token's budget: the primary limit and its writes.
    await expect(row).toContainText("per min");
    await expect(budgets.getByTestId("process-budget-control-plane")).toContainText("left");
  } else {
    await expect(row).toContainText("no GitHub budget");
  }
});
