import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { createTask, getTask } from "./support/api";
import { currentStack } from "./support/backend";
import { loginContext } from "./support/session";
import { startWorker, stopAllWorkers } from "./support/workers";

test.afterEach(stopAllWorkers);

test("a type's limit set on the overview holds its second task back — 'waiting for limit' on the type and the task — until the first ends, live", async ({
  page,
  context,
}) => {
  // Worker start-up, two tasks that each wait for their gate, and the control plane's view of
  // each step: on GitHub every step waits a settle delay and a sync.
  test.slow();
  const workerId = "e2e-limit";
  const type = "e2e-limited";
  startWorker(workerId, { handlers: { [type]: "gate" }, maxTasks: 4 });
  await loginContext(context);
  const gate = (name: string) => join(currentStack().dataDir, `limit-gate-${name}-${Date.now()}`);
  const gates = { first: gate("first"), second: gate("second") };
  const first = await createTask({
    type,
    title: "limit: first",
    params: { gate: gates.first },
    pinnedWorkerId: workerId,
  });
  await expect.poll(async () => (await getTask(first.id)).task.state, { timeout: 30_000 }).toBe("running");

  // The type's row is there while it has a task running, whatever the worker's heartbeat says.
  await page.goto("/");
  await page.getByTestId(`queue-limit-edit-${type}`).click();
  await page.getByTestId(`queue-limit-starts-${type}`).fill("soon");
  await page.getByTestId(`queue-limit-save-${type}`).click();
  await expect(page.getByTestId(`queue-limit-error-${type}`)).toContainText('"30/1m"');
  await page.getByTestId(`queue-limit-starts-${type}`).fill("");
  await page.getByTestId(`queue-limit-running-${type}`).fill("1");
  await page.getByTestId(`queue-limit-save-${type}`).click();
  await expect(page.getByTestId(`queue-limit-${type}`)).toHaveText("at most 1 running");

  const second = await createTask({
    type,
    title: "limit: second",
    params: { gate: gates.second },
    pinnedWorkerId: workerId,
  });
  await expect(page.getByTestId(`queue-waiting-${type}`)).toContainText(`waiting for limit: 1/1 ${type} tasks running`);

  await page.goto(`/tasks/${encodeURIComponent(second.id)}`);
  await expect(page.getByTestId("task-detail-held")).toContainText(`waiting for limit: 1/1 ${type} tasks running`);
  const state = page.getByTestId("task-detail-state");
  await expect(state).toHaveText("queued");
  // The worker has free slots and polls all along: only the limit holds the second task back.
  expect((await getTask(second.id)).task.state).toBe("queued");

  writeFileSync(gates.first, "");
  await expect(state).toHaveText("running", { timeout: 30_000 });
  await expect(page.getByTestId("task-detail-held")).toHaveCount(0);
  writeFileSync(gates.second, "");
  await expect(state).toHaveText("succeeded", { timeout: 30_000 });
  expect((await getTask(first.id)).task.state).toBe("succeeded");
});
