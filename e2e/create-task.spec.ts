import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { getTask } from "./support/api";
import { currentStack } from "./support/backend";
import { loginThroughDialog } from "./support/session";
import { startWorker, stopAllWorkers } from "./support/workers";

test.afterEach(stopAllWorkers);

test("a task created in the UI goes queued → running → succeeded live, without a reload", async ({ page, context }) => {
  // A type no running worker supports yet, so "queued" is observable and the overview warns about it.
  const type = "e2e-live";
  // The task runs until the test opens its gate, so the page can show it running however long
  // the control plane takes to learn of the change (on GitHub about a settle delay plus a second).
  const gate = join(currentStack().dataDir, `create-gate-${Date.now()}`);
  const params = JSON.stringify({ gate });
  await page.goto("/tasks");
  await expect(page.getByTestId("task-create-toggle")).toHaveCount(0);
  await loginThroughDialog(page);
  await page.getByTestId("task-create-toggle").click();
  await page.getByTestId("create-type").fill(type);
  await page.getByTestId("create-title").fill("Created from the e2e suite");
  await page.getByTestId("create-params").fill(params.slice(0, -1));
  await page.getByTestId("create-submit").click();
  await expect(page.getByTestId("create-params-error")).toContainText("params must be valid JSON");
  await expect(page.getByTestId("create-params")).toHaveAttribute("aria-invalid", "true");

  await page.getByTestId("create-params").fill(params);
  await page.getByTestId("create-submit").click();
  const created = page.getByTestId("create-success").getByRole("link");
  await expect(created).toBeVisible();
  const taskId = (await created.textContent())!.trim();

  const overview = await context.newPage();
  await overview.goto("/");
  await expect(overview.getByTestId("alerts")).toContainText(`no live worker supports type ${type}`);

  await created.click();
  await expect(page.getByTestId("task-detail")).toHaveAttribute("data-task-id", taskId);
  const state = page.getByTestId("task-detail-state");
  await expect(state).toHaveText("queued");
  await expect(page.getByTestId("task-detail-params")).toContainText(`"gate": ${JSON.stringify(gate)}`);

  // Record every state the badge shows from now on, to prove the page moved through them live.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __seenStates: string[] }).__seenStates = seen;
    const record = () => {
      const text = document.querySelector('[data-testid="task-detail-state"]')?.textContent ?? "";
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    };
    record();
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });

  startWorker("e2e-live-worker", { handlers: { [type]: "gate" } });
  await expect(state).toHaveText("running");
  await expect(page.getByTestId("task-detail-worker")).toHaveText("e2e-live-worker");
  writeFileSync(gate, "");
  await expect(state).toHaveText("succeeded");
  await expect(page.getByTestId("task-detail-result")).toContainText(`"opened": ${JSON.stringify(gate)}`);
  const seen = await page.evaluate(() => (window as unknown as { __seenStates: string[] }).__seenStates);
  expect(seen).toEqual(["queued", "running", "succeeded"]);
  // The timeline follows live too; on GitHub its events can reach the page a sync after the state.
  await expect
    .poll(() => page.getByTestId("task-event").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind"))))
    .toEqual(expect.arrayContaining(["task.created", "lock.acquired", "task.started", "task.succeeded"]));
  await expect(overview.getByText(`no live worker supports type ${type}`)).toHaveCount(0);
  const detail = await getTask(taskId);
  expect(detail.task.state).toBe("succeeded");
});
