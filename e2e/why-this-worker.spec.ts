import { expect, test } from "@playwright/test";
import { createTask, getTask, trpcQuery } from "./support/api";
import { startWorker, stopAllWorkers } from "./support/workers";

test.afterEach(stopAllWorkers);

interface Assignment {
  workerId: string;
  decision: { strategy: string; reason: string; alternatives: Array<{ workerId: string }> };
}

test("the task detail says why its worker took it: strategy, score breakdown and the alternatives", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const type = "e2e-why";
  const ids = ["e2e-why-a", "e2e-why-b"];
  for (const id of ids) startWorker(id, { handlers: { [type]: "noop" } });
  // Both in the shared registry view (and live), so whichever claims compared itself with the other.
  await expect
    .poll(
      async () => {
        const list = await trpcQuery<{ items: Array<{ id: string; leaseLive: boolean }> }>("workers.list", {
          supportsType: type,
          leaseLiveOnly: true,
        });
        return list.items.map((w) => w.id).sort();
      },
      { timeout: 60_000 },
    ) // two worker processes starting on a loaded machine
    .toEqual(ids);

  const task = await createTask({ type, title: "why this worker" });
  await expect.poll(async () => (await getTask(task.id)).task.state, { timeout: 30_000 }).toBe("succeeded");
  const read = async () =>
    (await getTask(task.id)) as unknown as { task: { workerId: string }; assignments: Assignment[] };
  // On GitHub the started event can reach the control plane's cache a sync after the state.
  await expect.poll(async () => (await read()).assignments.length).toBe(1);
  const detail = await read();
  const worker = detail.task.workerId;
  const other = ids.find((id) => id !== worker)!;
  const { decision } = detail.assignments[0]!;
  expect(detail.assignments[0]!.workerId).toBe(worker);
  expect(decision.alternatives.map((a) => a.workerId)).toContain(other);

  await page.goto(`/tasks/${task.id}`);
  const why = page.getByTestId("why-this-worker");
  await expect(why).toHaveAttribute("data-strategy", decision.strategy);
  await expect(why).toHaveAttribute("data-reason", decision.reason);
  await expect(why).toContainText(`went to ${worker}`);
  await expect(why.getByTestId("why-chosen")).toContainText(worker);
  await expect(why.getByTestId("why-alternative").filter({ hasText: other })).toHaveCount(1);
  // The breakdown names the parts the strategy scored with, e.g. least_loaded's headroom.
  await expect(why.getByTestId("why-chosen")).toContainText(/[a-zA-Z]+ \d/);
});
