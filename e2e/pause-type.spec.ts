import { expect, test } from "@playwright/test";
import { createTask, getTask } from "./support/api";
import { loginContext } from "./support/session";
import { startWorker, stopAllWorkers } from "./support/workers";

test.afterEach(stopAllWorkers);

test("Pause a task type on the overview: its tasks wait while other types run, then run after Resume — live", async ({
  page,
  context,
}) => {
  const workerId = "e2e-pause";
  const paused = "e2e-paused";
  const flowing = "e2e-flowing";
  startWorker(workerId, { handlers: { [paused]: "noop", [flowing]: "noop" } });
  await loginContext(context);
  await page.goto("/");
  const state = page.getByTestId(`queue-state-${paused}`);
  await expect(state).toHaveAttribute("data-paused", "false");

  page.once("dialog", (dialog) => dialog.accept());
  await page.getByTestId(`queue-pause-${paused}`).click();
  await expect(state).toHaveAttribute("data-paused", "true");
  await expect(state).toContainText("by operator:");

  const waiting = await createTask({ type: paused, title: "pause: waits", pinnedWorkerId: workerId });
  // The same worker runs another type to the end after the pause, so it polled past the waiting task.
  const other = await createTask({ type: flowing, title: "pause: runs", pinnedWorkerId: workerId });
  await expect.poll(async () => (await getTask(other.id)).task.state).toBe("succeeded");
  expect((await getTask(waiting.id)).task.state).toBe("queued");
  await page.goto(`/tasks/${encodeURIComponent(waiting.id)}`);
  await expect(page.getByTestId("task-detail-held")).toContainText(`type ${paused} paused by operator:`);

  await page.goto("/");
  await page.getByTestId(`queue-resume-${paused}`).click();
  await expect(state).toHaveAttribute("data-paused", "false");
  await expect.poll(async () => (await getTask(waiting.id)).task.state).toBe("succeeded");
});
