import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page, test } from "@playwright/test";
import { createTask, getTask, type TaskView, trpcMutation, trpcQuery } from "./support/api";
import { currentStack } from "./support/backend";
import { sentinelCli } from "./support/cli";
import { loginContext } from "./support/session";
import { startWorker, stopAllWorkers } from "./support/workers";

/** The README shows the SQLite stack's; the GitHub project's land in a subfolder beside them. */
function screenshotDir(): string {
  const root = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "docs/screenshots");
  return currentStack().backend === "sqlite" ? root : join(root, currentStack().backend);
}
const LOCAL = ["local-1", "local-2", "local-3"];

/** Keeps the local workers busy: 40 sleeps of 1–3 s, then three more every 300 ms (about half the slots), until stopped. */
function startLoad(): { created: TaskView[]; stop(): Promise<void> } {
  const created: TaskView[] = [];
  let running = true;
  const sleep = (i: number) =>
    createTask({ type: "sleep", params: { ms: 1_000 + ((i * 379) % 2_000) }, title: `nightly export shard ${i}` });
  const loop = (async () => {
    let i = 0;
    for (; i < 40; i++) created.push(await sleep(i));
    while (running) {
      await new Promise((r) => setTimeout(r, 300));
      for (let k = 0; k < 3; k++) created.push(await sleep(i++));
    }
  })();
  return {
    created,
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir(), `${name}.png`), fullPage: true });
}

test("SQLite backend only: screenshots of the dashboard under load (README)", async ({ context }) => {
  test.setTimeout(120_000);
  mkdirSync(screenshotDir(), { recursive: true });
  const load = startLoad();
  try {
    const failing = [
      await createTask({
        type: "fail",
        params: { message: "upstream returned 503", retryable: true },
        title: "sync billing (flaky upstream)",
        maxAttempts: 2,
      }),
      await createTask({
        type: "fail",
        params: { message: "schema mismatch in row 42", retryable: false },
        title: "import CSV batch 7",
        maxAttempts: 3,
      }),
    ];
    await expect
      .poll(async () => Promise.all(failing.map(async (t) => (await getTask(t.id)).task.state)), { timeout: 30_000 })
      .toEqual(["dead", "dead"]);
    await expect
      .poll(
        async () =>
          (await Promise.all(load.created.slice(0, 5).map((t) => getTask(t.id)))).filter(
            (d) => d.task.state === "succeeded",
          ).length,
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);

    const overview = await context.newPage();
    await overview.goto("/");
    await expect
      .poll(async () => Number(await overview.getByTestId("overview-capacity").getAttribute("data-used")))
      .toBeGreaterThanOrEqual(5);
    await expect(overview.getByTestId("task-count-succeeded")).not.toHaveText("0");
    await expect(overview.getByTestId("task-count-dead")).not.toHaveText("0");
    for (const id of LOCAL)
      await expect(overview.getByTestId(`capacity-row-${id}`).getByTestId("capacity-bar")).not.toContainText("IDLE");
    await shoot(overview, "overview");

    const locks = await context.newPage();
    await locks.goto("/locks");
    await expect.poll(async () => locks.locator('[data-testid^="lock-row-"]').count()).toBeGreaterThanOrEqual(8);
    await shoot(locks, "locks");

    const workers = await context.newPage();
    await workers.goto("/workers");
    for (const id of LOCAL) {
      await expect(workers.getByTestId(`worker-row-${id}`).getByTestId("capacity-bar")).not.toContainText("IDLE");
      await expect(workers.getByTestId(`heartbeat-timeline-${id}`)).toHaveAttribute("data-complete", "true");
    }
    await shoot(workers, "workers");
  } finally {
    await load.stop();
  }
});

test("SQLite backend only: screenshot of a running task's progress, log and why this worker (README)", async ({
  page,
}) => {
  test.setTimeout(150_000);
  mkdirSync(screenshotDir(), { recursive: true });
  const type = "report-export";
  const gate = join(currentStack().dataDir, `screenshot-gate-${Date.now()}`);
  // Two workers for the type, so "why this worker" has an alternative to show.
  const exporters = ["local-export", "local-export-2"];
  for (const id of exporters) startWorker(id, { handlers: { [type]: "gate" } });
  try {
    await expect
      .poll(
        async () => {
          const list = await trpcQuery<{ items: Array<{ id: string }> }>("workers.list", {
            supportsType: type,
            leaseLiveOnly: true,
          });
          return list.items.length;
        },
        { timeout: 60_000 },
      ) // two worker processes starting on a loaded machine
      .toBe(exporters.length);
    const task = await createTask({
      type,
      title: "export quarterly report",
      params: {
        gate,
        progress: 0.6,
        say: [
          "fetching 5 regions from the warehouse",
          "region emea: 48,210 rows",
          "region apac: 31,877 rows",
          "region amer: 66,402 rows",
          "rendering charts (3 of 5 regions done)",
        ],
      },
    });
    await page.goto(`/tasks/${encodeURIComponent(task.id)}`);
    await expect(page.getByTestId("task-detail-progress")).toHaveAttribute("data-fraction", "0.6");
    await expect(page.getByTestId("task-log-line")).toHaveCount(5);
    await expect(page.getByTestId("why-alternative")).toHaveCount(1);
    await shoot(page, "task-detail");
    writeFileSync(gate, "");
    await expect(page.getByTestId("task-detail-state")).toHaveText("succeeded");
  } finally {
    await stopAllWorkers();
  }
});

test("SQLite backend only: screenshot of the Schedules page with a schedule's runs (README)", async ({
  page,
  context,
}) => {
  test.setTimeout(90_000);
  mkdirSync(screenshotDir(), { recursive: true });
  await loginContext(context);
  const schedules = [
    {
      name: "nightly-report",
      timing: { cron: "0 3 * * *", timezone: "Europe/Berlin" },
      task: { type: "echo", params: { report: "daily" }, priority: 5 },
    },
    {
      name: "cache-warmup",
      timing: { every: "5s" },
      task: { type: "echo", params: { warm: ["home", "search"] } },
      catchUp: "all",
      catchUpMax: 3,
    },
    {
      name: "weekly-cleanup",
      timing: { cron: "30 4 * * 1" },
      task: { type: "sleep", params: { ms: 500 } },
      paused: true,
    },
  ];
  try {
    for (const schedule of schedules) await trpcMutation("schedules.create", schedule);
    await page.goto("/schedules?schedule=cache-warmup");
    await expect(page.getByTestId("schedule-run-cache-warmup")).toHaveCount(2, { timeout: 30_000 });
    await expect(page.getByTestId("schedule-run-cache-warmup").first().locator(".badge")).toHaveText("succeeded");
    await shoot(page, "schedules");
  } finally {
    for (const { name } of schedules) await trpcMutation("schedules.delete", { name }).catch(() => null);
  }
});

test("SQLite backend only: screenshots of the Tokens and Audit pages (README)", async ({ context, page }) => {
  mkdirSync(screenshotDir(), { recursive: true });
  await loginContext(context);
  // A few named tokens and operator actions from the CLI, so both pages show what they are for.
  for (const [name, role] of [
    ["grafana-readonly", "viewer"],
    ["oncall-alice", "operator"],
    ["release-bot", "operator"],
  ] as const)
    await sentinelCli("--actor", "admin:setup", "token", "create", name, "--role", role);
  await sentinelCli("--actor", "oncall-alice", "queue", "pause", "report-export");
  await sentinelCli("--actor", "oncall-alice", "queue", "resume", "report-export");

  await page.goto("/tokens");
  await expect.poll(() => page.getByTestId("token-row").count()).toBeGreaterThanOrEqual(4);
  await shoot(page, "tokens");
  await page.goto("/audit");
  await expect.poll(() => page.getByTestId("audit-row").count()).toBeGreaterThanOrEqual(5);
  await shoot(page, "audit");
});
