import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { createTask, getTask } from "./support/api";
import { currentStack } from "./support/backend";
import { loginContext } from "./support/session";
import { startWorker, stopAllWorkers } from "./support/workers";

test.afterEach(stopAllWorkers);

test("reassigning a running task moves it; the old holder's late completion is rejected by its stale fencing token", async ({
  page,
  context,
}) => {
  // Both workers run the task until the test opens its gate, so it is still running on the old
  // holder when the page reassigns it and on the new one when the page shows the move, however
  // long each step takes on this stack; the old holder's handler then finishes and completes late.
  const type = "e2e-reassign";
  const gate = join(currentStack().dataDir, `reassign-gate-${Date.now()}`);
  startWorker("e2e-ra-a", { handlers: { [type]: "gate" } });
  startWorker("e2e-ra-b", { handlers: { [type]: "gate" } });
  await loginContext(context);
  const task = await createTask({ type, params: { gate }, title: "reassign me", pinnedWorkerId: "e2e-ra-a" });
  await expect.poll(async () => (await getTask(task.id)).task.state).toBe("running");
  const first = await getTask(task.id);
  expect(first.task.workerId).toBe("e2e-ra-a");
  const oldToken = first.task.fencingToken!;

  await page.goto(`/tasks/${task.id}`);
  await expect(page.getByTestId("task-detail-worker")).toHaveText("e2e-ra-a");
  await expect(page.getByTestId("reassign-target").locator('option[value="e2e-ra-b"]')).toHaveCount(1);
  await page.getByTestId("reassign-target").selectOption("e2e-ra-b");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByTestId("task-reassign").click();

  await expect(page.getByTestId("task-detail-pinned")).toHaveText("e2e-ra-b");
  await expect(page.getByTestId("task-detail-worker")).toHaveText("e2e-ra-b");
  await expect(page.getByTestId("task-detail-state")).toHaveText("running");
  const newToken = Number(await page.getByTestId("task-detail-token").textContent());
  expect(newToken).toBeGreaterThan(oldToken);

  // e2e-ra-a's handler finishes while e2e-ra-b holds the task: its completion must be refused.
  expect((await getTask(task.id)).task.state).toBe("running");
  writeFileSync(gate, "");
  const rejected = page.locator('[data-testid="task-event"][data-kind="task.write_rejected"]');
  await expect(rejected).toHaveCount(1, { timeout: 15_000 });
  await expect(rejected).toContainText("e2e-ra-a");
  await expect(rejected.getByTestId("task-event-actor")).toHaveText("e2e-ra-a");
  await expect(rejected.getByTestId("task-event-rejected")).toContainText(
    `fencing token ${oldToken}, but the current token is ${newToken}`,
  );
  // The attempts table files the refused write under the attempt whose token it presented.
  const oldAttempt = page.locator(`[data-testid="task-attempt"][data-token="${oldToken}"]`);
  await expect(oldAttempt).toContainText("e2e-ra-a");
  await expect(oldAttempt.getByTestId("task-attempt-rejected")).toContainText("complete by e2e-ra-a");
  await expect(page.locator(`[data-testid="task-attempt"][data-token="${newToken}"]`)).toContainText("e2e-ra-b");
  await expect(page.getByTestId("task-detail-state")).toHaveText("succeeded", { timeout: 15_000 });

  const done = await getTask(task.id);
  expect(done.task.workerId).toBe("e2e-ra-b");
  expect(done.task.fencingToken).toBe(newToken);
  // Exactly one success, by the new holder. The task row can run ahead of the event log (on
  // GitHub events are handed out a visibility margin after their write), hence the poll.
  const succeededBy = async () =>
    (await getTask(task.id)).events.filter((e) => e.kind === "task.succeeded").map((e) => e.actor);
  await expect.poll(succeededBy).toEqual(["e2e-ra-b"]);
});
