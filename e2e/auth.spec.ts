import { createHmac } from "node:crypto";
import { expect, test } from "@playwright/test";
import { baseUrl, trpcMutationRaw, trpcQuery } from "./support/api";
import { E2E_OPERATOR_TOKEN } from "./support/stack-env";

/** Every operator mutation the control plane exposes, with an input that would otherwise be valid. */
const MUTATIONS: Array<[string, unknown]> = [
  ["workers.drain", { workerId: "local-1" }],
  ["workers.resume", { workerId: "local-1" }],
  ["workers.remove", { workerId: "local-1" }],
  ["locks.forceRelease", { taskId: "t_any" }],
  ["tasks.create", { type: "noop", params: {} }],
  ["tasks.retry", { taskId: "t_any" }],
  ["tasks.cancel", { taskId: "t_any" }],
  ["tasks.requeue", { taskId: "t_any" }],
  ["tasks.reassign", { taskId: "t_any", workerId: null }],
  ["tasks.bulk", { action: "cancel", filter: {}, dryRun: false }],
  ["settings.setStrategy", { strategy: "round_robin" }],
];

test.describe("operator authentication", () => {
  test("every mutation is refused with 401 without a session, and nothing changes", async () => {
    const before = await trpcQuery<{ count: number }>("tasks.count", {}, { authenticated: false });
    for (const [path, input] of MUTATIONS) {
      const res = await trpcMutationRaw(path, input, { authenticated: false });
      expect(res.status, `${path} without a session`).toBe(401);
    }
    const forged = await fetch(`${baseUrl()}/api/trpc/tasks.create`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: "sentinel_session=eyJvIjoib3BlcmF0b3IiLCJlIjo5OTk5OTk5OTk5OTk5fQ.forged",
      },
      body: JSON.stringify({ json: { type: "noop", params: {} } }),
    });
    expect(forged.status, "a session cookie with a forged signature").toBe(401);
    const wrongBearer = await fetch(`${baseUrl()}/api/trpc/tasks.create`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer not-the-operator-token" },
      body: JSON.stringify({ json: { type: "noop", params: {} } }),
    });
    expect(wrongBearer.status, "a wrong bearer token").toBe(401);
    const after = await trpcQuery<{ count: number }>("tasks.count", {}, { authenticated: false });
    expect(after.count).toBe(before.count);
    const workers = await trpcQuery<{ items: Array<{ id: string; state: string }> }>(
      "workers.list",
      { search: "local-1" },
      { authenticated: false },
    );
    expect(workers.items.find((w) => w.id === "local-1")?.state).not.toBe("DRAINING");
  });

  test("a wrong operator token does not log in", async () => {
    const res = await fetch(`${baseUrl()}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: "wrong-token-wrong-token" }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  test("a GitHub webhook with a bad or missing signature is refused with 401", async () => {
    const body = JSON.stringify({ action: "opened", issue: { number: 1 } });
    const badSignature = `sha256=${createHmac("sha256", "not-the-secret").update(body).digest("hex")}`;
    const bad = await fetch(`${baseUrl()}/api/webhooks/github`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issues",
        "x-github-delivery": "e2e-1",
        "x-hub-signature-256": badSignature,
      },
      body,
    });
    expect(bad.status).toBe(401);
    const missing = await fetch(`${baseUrl()}/api/webhooks/github`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": "e2e-2" },
      body,
    });
    expect(missing.status).toBe(401);
    const good = await fetch(`${baseUrl()}/api/webhooks/github`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issues",
        "x-github-delivery": "e2e-3",
        "x-hub-signature-256": `sha256=${createHmac("sha256", "e2e-webhook-secret").update(body).digest("hex")}`,
      },
      body,
    });
    expect(good.status).toBe(202);
  });

  test("actions appear only after logging in; the bootstrap token is an admin's", async ({ page }) => {
    await page.goto("/settings");
    await expect(page.getByTestId("auth-status")).toHaveText("read-only");
    await expect(page.getByTestId("strategy-current")).toBeVisible();
    await expect(page.getByTestId("strategy-round_robin")).toHaveCount(0);
    await page.getByTestId("login-open").click();
    await expect(page.getByTestId("login-dialog")).toBeVisible();
    await page.getByTestId("login-token").fill("definitely-not-the-token");
    await page.getByTestId("login-submit").click();
    await expect(page.getByTestId("login-dialog").getByRole("alert")).toContainText("unknown operator token");
    await page.getByTestId("login-token").fill(E2E_OPERATOR_TOKEN);
    await page.getByTestId("login-submit").click();
    await expect(page.getByTestId("auth-status")).toHaveText("admin: operator");
    await page.getByTestId("strategy-round_robin").click();
    await expect(page.getByTestId("strategy-round_robin")).toBeChecked();
    const settings = await trpcQuery<{ strategy: string | null }>("settings.get", undefined, { authenticated: false });
    expect(settings.strategy).toBe("round_robin");
    await page.getByTestId("strategy-least_loaded").click();
    await expect(page.getByTestId("strategy-least_loaded")).toBeChecked();
    await expect
      .poll(async () => (await trpcQuery<{ strategy: string | null }>("settings.get", undefined)).strategy)
      .toBe("least_loaded");
  });
});
