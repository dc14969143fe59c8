import { expect, test } from "@playwright/test";
import { getTask, trpcMutation, trpcQuery } from "./support/api";
import { loginContext } from "./support/session";

/** A name no earlier run of the suite (same data directory) used. */
function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}`;
}

test("a schedule created on the Schedules page fires, its run links to the task it created, and it pauses and deletes", async ({
  page,
  context,
}) => {
  test.slow();
  await loginContext(context);
  page.on("dialog", (dialog) => void dialog.accept());
  // Both backends have repeating schedules (a backend without them says so on the page).
  expect((await trpcQuery<{ supported: boolean }>("schedules.list", undefined)).supported).toBe(true);
  await page.goto("/schedules");
  const name = unique("e2e-every");
  await page.getByTestId("schedule-create-toggle").click();
  await page.getByTestId("schedule-create-name").fill(name);
  await page.getByTestId("schedule-create-type").fill("echo");
  await page.getByTestId("schedule-create-every").fill("soon");
  await page.getByTestId("schedule-create-submit").click();
  await expect(page.getByTestId("schedule-create-timing-error")).toContainText("timing.every");
  await page.getByTestId("schedule-create-every").fill("3s");
  await page.getByTestId("schedule-create-params").fill('{"message":"from a schedule"}');
  await page.getByTestId("schedule-create-submit").click();

  const row = page.getByTestId(`schedule-row-${name}`);
  await expect(row).toContainText("every 3s");
  await expect(page.getByTestId(`schedule-status-${name}`)).toHaveAttribute("data-paused", "false");
  await expect(page.getByTestId(`schedule-next-${name}`).locator("div")).toHaveCount(3);
  // The slot fires (a worker's or the control plane's scheduler) and the list follows live.
  await expect(page.getByTestId(`schedule-last-${name}`).getByRole("link")).toBeVisible({ timeout: 30_000 });

  await page.getByTestId(`schedule-open-${name}`).click();
  await expect(page).toHaveURL(new RegExp(`schedule=${name}`));
  const run = page.getByTestId(`schedule-run-${name}`).first();
  await expect(run).toBeVisible();
  const taskId = (await run.getByRole("link").textContent())!.trim();
  await expect(run.locator(".badge")).toHaveText("succeeded", { timeout: 30_000 });

  await page.getByTestId(`schedule-pause-${name}`).click();
  await expect(page.getByTestId(`schedule-status-${name}`)).toHaveAttribute("data-paused", "true");
  await expect(page.getByTestId(`schedule-next-${name}`)).toHaveText("—");
  await page.getByTestId(`schedule-delete-${name}`).click();
  await expect(row).toHaveCount(0);

  await page.goto(`/tasks/${encodeURIComponent(taskId)}`);
  await expect(page.getByTestId("task-detail-state")).toHaveText("succeeded");
  expect((await getTask(taskId)).task.type).toBe("echo");
});

test("a task created to run after another waits for it, then runs; the graph shows both", async ({ page, context }) => {
  test.slow();
  await loginContext(context);
  // The dependency waits for its time (10 min) until the test promotes it, so the dependent is
  // seen waiting however slowly the page loads.
  const first = await trpcMutation<{ id: string }>("tasks.create", {
    type: "echo",
    title: unique("dependency"),
    delayMs: 600_000,
  });
  await page.goto("/tasks");
  await page.getByTestId("task-create-toggle").click();
  await page.getByTestId("create-type").fill("echo");
  await page.getByTestId("create-title").fill(unique("dependent"));
  await page.getByTestId("create-depends-on").fill(first.id);
  await page.getByTestId("create-submit").click();
  const created = page.getByTestId("create-success").getByRole("link");
  await expect(created).toBeVisible();
  const dependentId = (await created.textContent())!.trim();
  await created.click();

  await expect(page.getByTestId(`dep-node-${first.id}`)).toHaveAttribute("data-state", "queued");
  await expect(page.getByTestId("task-detail-dependency-policy")).toContainText("cancelled");
  // Its dependency has not succeeded: it stays queued while the workers run work queued after it.
  const later = await trpcMutation<{ id: string }>("tasks.create", { type: "echo", title: unique("queued-after") });
  // (On GitHub the control plane lists a new task once its sync has read it: 404 until then.)
  await expect
    .poll(async () => (await getTask(later.id).catch(() => null))?.task.state, { timeout: 30_000 })
    .toBe("succeeded");
  await expect(page.getByTestId("task-detail-state")).toHaveText("queued");
  expect((await getTask(dependentId)).task.state).toBe("queued");

  await trpcMutation("tasks.promote", { taskId: first.id });
  await expect(page.getByTestId("task-detail-state")).toHaveText("succeeded", { timeout: 60_000 });
  await expect(page.getByTestId(`dep-node-${first.id}`)).toHaveAttribute("data-state", "succeeded");

  // A task's events can reach the control plane after its state does (GitHub writes them to the
  // events issue in batches): wait for both, then compare.
  const eventAt = async (id: string, kind: string) =>
    ((await getTask(id)).events as unknown as Array<{ kind: string; at: number }>).find((e) => e.kind === kind)?.at;
  await expect.poll(() => eventAt(first.id, "task.succeeded"), { timeout: 30_000 }).toBeDefined();
  await expect.poll(() => eventAt(dependentId, "task.started"), { timeout: 30_000 }).toBeDefined();
  expect(await eventAt(dependentId, "task.started")).toBeGreaterThanOrEqual(
    (await eventAt(first.id, "task.succeeded")) ?? Number.POSITIVE_INFINITY,
  );

  // The dependency's page lists it as waited on by the dependent.
  await page.getByTestId(`dep-node-${first.id}`).getByRole("link").click();
  await expect(page.getByTestId(`dependent-node-${dependentId}`)).toHaveAttribute("data-state", "succeeded");
});

test("a queued task's priority is edited from its page", async ({ page, context }) => {
  await loginContext(context);
  const task = await trpcMutation<{ id: string }>("tasks.create", {
    type: "echo",
    title: unique("edit-me"),
    delayMs: 600_000,
  });
  await page.goto(`/tasks/${encodeURIComponent(task.id)}`);
  await expect(page.getByTestId("task-detail-state")).toHaveText("queued");
  await page.getByTestId("task-edit-open").click();
  await page.getByTestId("task-edit-priority").fill("42");
  await page.getByTestId("task-edit-save").click();
  await expect(page.getByTestId("task-detail-priority")).toHaveText("42");
  await expect
    .poll(() => page.getByTestId("task-event").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind"))))
    .toContain("task.edited");
  await trpcMutation("tasks.cancel", { taskId: task.id });
});

test("bulk: Run delayed now confirms the count of matching delayed tasks, then they run", async ({ page, context }) => {
  test.slow();
  await loginContext(context);
  const marker = unique("bulkrun");
  const ids: string[] = [];
  for (let i = 0; i < 3; i++)
    ids.push(
      (await trpcMutation<{ id: string }>("tasks.create", { type: "echo", title: `${marker} ${i}`, delayMs: 600_000 }))
        .id,
    );
  await page.goto(`/tasks?q=${marker}`);
  await expect(page.getByTestId("task-count")).toHaveText("3 matching");
  await page.getByTestId("bulk-promote").click();
  await expect(page.getByTestId("bulk-count")).toHaveText("3");
  await page.getByTestId("bulk-confirm-yes").click();
  await expect(page.getByTestId("bulk-outcome")).toHaveText("Promoted 3 task(s)");
  await expect
    .poll(async () => Promise.all(ids.map(async (id) => (await getTask(id)).task.state)), { timeout: 60_000 })
    .toEqual(["succeeded", "succeeded", "succeeded"]);
});
