import { expect, test } from "@playwright/test";
import { type AlertReceiver, startAlertReceiver } from "@sentinel/test-support/alert-receiver";
import { currentStack } from "./support/backend";
import { alertWebhook, E2E_ALERT_ENV } from "./support/stack-env";
import { startWorker, stopAllWorkers } from "./support/workers";

let receiver: AlertReceiver | null = null;
test.afterEach(async () => {
  await stopAllWorkers();
  await receiver?.close();
  receiver = null;
});

test("killing a worker delivers one alert to the webhook and shows it live; one resolve when it comes back", async ({
  page,
  context,
}) => {
  const hook = alertWebhook(currentStack().backend);
  receiver = await startAlertReceiver(hook.path, hook.port);
  const r = receiver;
  const id = `e2e-alert-${currentStack().backend}-${Date.now() % 100_000}`;
  const mine = (event: "fired" | "resolved") =>
    r.received.filter(
      (x) =>
        x.status === 200 &&
        x.body.sentinel.rule === "workers_offline" &&
        x.body.sentinel.subject === id &&
        x.body.sentinel.event === event,
    );

  const victim = startWorker(id);
  await page.goto("/workers");
  await page.getByTestId("worker-search").fill(id);
  const badge = page.getByTestId(`worker-state-${id}`);
  await expect(badge).toHaveText(/ACTIVE|BUSY/);

  // The Alerts page is open before the kill: the alert must arrive by the live stream, no reload.
  const alerts = await context.newPage();
  await alerts.goto("/alerts");
  await expect(alerts.getByTestId("alert-channels")).toContainText(`webhook http://127.0.0.1:${hook.port}/…`);
  await expect(alerts.getByTestId("alert-channels")).not.toContainText("e2e-secret-path");
  const row = alerts.locator(`[data-testid="alert-row"][data-code="workers_offline"]`, { hasText: id });
  await expect(row).toHaveCount(0);

  victim.child.kill("SIGKILL");
  expect(await victim.exited).toBeNull();
  await expect(badge).toHaveText("OFFLINE", { timeout: 30_000 });

  await expect(row).toHaveAttribute("data-state", "firing", { timeout: 30_000 });
  await expect(row.locator(`[data-testid="alert-delivery"][data-transition="fired"]`)).toHaveAttribute(
    "data-state",
    "delivered",
  );
  await expect.poll(() => mine("fired").length, { timeout: 30_000 }).toBe(1);
  const [fired] = mine("fired");
  expect(fired!.body.text).toContain(`[FIRING] critical workers_offline (${id})`);
  expect(r.signatureValid(fired!, E2E_ALERT_ENV.SENTINEL_ALERT_WEBHOOK_SECRET)).toBe(true);

  // Back with the same id: a fresh registration, so nothing of it is offline any more.
  startWorker(id);
  await expect(badge).toHaveText(/ACTIVE|BUSY/, { timeout: 30_000 });
  await expect(row).toHaveAttribute("data-state", "resolved", { timeout: 30_000 });
  await expect(row.locator(`[data-testid="alert-delivery"][data-transition="resolved"]`)).toHaveAttribute(
    "data-state",
    "delivered",
  );
  await expect.poll(() => mine("resolved").length, { timeout: 30_000 }).toBe(1);
  expect(mine("resolved")[0]!.body.sentinel.alertId).toBe(fired!.body.sentinel.alertId);
  // Still exactly one fire: the resolve did not re-send it, and no duplicate came in between.
  expect(mine("fired")).toHaveLength(1);
  await expect(alerts.locator(`[data-testid="alert-row"][data-code="workers_offline"]`, { hasText: id })).toHaveCount(
    1,
  );
});
