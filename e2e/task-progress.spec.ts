import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { createTask } from "./support/api";
import { currentStack } from "./support/backend";
import { startWorker, stopAllWorkers } from "./support/workers";

test.afterEach(stopAllWorkers);

test("a running task's progress and log lines appear live on its page and in the tasks list", async ({
  page,
  context,
}) => {
  // No worker runs this type until the pages are open, so everything below arrives live.
  const type = "e2e-progress";
  const gate = join(currentStack().dataDir, `progress-gate-${Date.now()}`);
  const task = await createTask({
    type,
    title: "reports progress",
    params: { gate, say: ["fetching 3 files", "file 1 of 3 done"], progress: 0.4 },
  });
  await page.goto(`/tasks/${encodeURIComponent(task.id)}`);
  const log = page.getByTestId("task-log");
  await expect(log).toContainText("No progress reported.");
  const list = await context.newPage();
  await list.goto("/tasks");
  await expect(list.getByTestId(`task-state-${task.id}`)).toHaveText("queued");

  startWorker("e2e-progress-w", { handlers: { [type]: "gate" } });
  await expect(page.getByTestId("task-detail-state")).toHaveText("running");
  const bar = page.getByTestId("task-detail-progress");
  await expect(bar).toHaveAttribute("data-fraction", "0.4");
  await expect(bar).toContainText("40%");
  await expect(bar).toContainText("waiting for the gate");
  await expect(page.getByTestId("task-log-line")).toHaveText([/info #1 fetching 3 files/, /info #1 file 1 of 3 done/]);
  await expect(list.getByTestId(`task-progress-${task.id}`)).toContainText("40%");

  writeFileSync(gate, "");
  await expect(page.getByTestId("task-detail-state")).toHaveText("succeeded");
  await expect(list.getByTestId(`task-state-${task.id}`)).toHaveText("succeeded");
  await expect(list.getByTestId(`task-progress-${task.id}`)).toHaveCount(0);
  // The log stays with the finished task, with the last line the command printed (its result).
  await expect(page.getByTestId("task-log-line")).toHaveText([/fetching 3 files/, /file 1 of 3 done/, /"opened"/]);
});
