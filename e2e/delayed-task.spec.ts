import { expect, test } from "@playwright/test";
import { loginContext } from "./support/session";

test("a task scheduled from the UI shows when it runs, and Run now promotes it and it runs", async ({
  page,
  context,
}) => {
  // Creating, waiting for the live list and detail, promoting and running: on a loaded 2-core
  // machine both stacks together have taken longer than the default 90 s (it passed at 1.4 min).
  test.slow();
  await loginContext(context);
  await page.goto("/tasks");
  await page.getByTestId("task-create-toggle").click();
  await page.getByTestId("create-type").fill("echo");
  await page.getByTestId("create-title").fill("Delayed from the e2e suite");
  await page.getByTestId("create-delay").fill("soon");
  await page.getByTestId("create-submit").click();
  await expect(page.getByTestId("create-delayMs-error")).toContainText('a duration such as "30s"');

  await page.getByTestId("create-delay").fill("10m");
  await page.getByTestId("create-submit").click();
  const created = page.getByTestId("create-success").getByRole("link");
  await expect(created).toBeVisible();
  const taskId = (await created.textContent())!.trim();

  // The list says when it runs (the three stack workers support echo, so only the delay holds it).
  await expect(page.getByTestId(`task-runs-${taskId}`)).toHaveText(/^runs in (10|9) min$/);
  await created.click();
  await expect(page.getByTestId("task-detail-runs-in")).toContainText(/runs in (10|9) min/);
  await expect(page.getByTestId("task-detail-state")).toHaveText("queued");

  await page.getByTestId("task-promote").click();
  await expect(page.getByTestId("task-detail-state")).toHaveText("succeeded");
  await expect(page.getByTestId("task-detail-runs-in")).toHaveCount(0);
  await expect(page.getByTestId("task-promote")).toBeDisabled();
  await expect
    .poll(() => page.getByTestId("task-event").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind"))))
    .toEqual(expect.arrayContaining(["task.created", "task.promoted", "task.started", "task.succeeded"]));
});
