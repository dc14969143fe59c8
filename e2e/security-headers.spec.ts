import { expect, test } from "@playwright/test";
import { baseUrl } from "./support/api";
import { loginThroughDialog } from "./support/session";

const REQUIRED = {
  "content-security-policy": /frame-ancestors 'none'/,
  "x-frame-options": /^DENY$/,
  "x-content-type-options": /^nosniff$/,
  "referrer-policy": /^same-origin$/,
};

test("every page and API answer carries the security headers, and the dashboard works under its CSP", async ({
  page,
}) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  page.on("pageerror", (error) => violations.push(error.message));

  const pageResponse = await page.goto("/tasks");
  for (const [name, value] of Object.entries(REQUIRED)) expect(pageResponse?.headers()[name], name).toMatch(value);

  // A page's scripts run by nonce only: no 'unsafe-inline', a fresh nonce per response, and
  // every script Next rendered carries it.
  const nonceOf = (policy: string | undefined) => {
    const scriptSrc = policy?.split(";").find((directive) => directive.trim().startsWith("script-src")) ?? "";
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).toContain("'strict-dynamic'");
    return /'nonce-([A-Za-z0-9+/=]+)'/.exec(scriptSrc)?.[1];
  };
  const nonce = nonceOf(pageResponse?.headers()["content-security-policy"]);
  expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  const scripts = await page.locator("script").evaluateAll((all) => all.map((s) => (s as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(new Set(scripts)).toEqual(new Set([nonce]));
  const again = await fetch(`${baseUrl()}/tasks`);
  expect(nonceOf(again.headers.get("content-security-policy") ?? undefined)).not.toBe(nonce);
  // Markup an attacker got into the page (stored XSS) is refused: the same answer, headers
  // and all, with an inline script and an inline handler added runs neither.
  await page.route("**/tasks", async (route) => {
    const original = await route.fetch();
    const html = (await original.text()).replace(
      "<body",
      '<script>window.__injected = true</script><img src="/icon.svg" onload="window.__handler = true"><body',
    );
    await route.fulfill({ response: original, body: html });
  });
  await page.goto("/tasks");
  // The session read is client-side: "read-only" shows only once the page's own scripts ran.
  await expect(page.getByTestId("auth-status")).toHaveText("read-only");
  expect(
    await page.evaluate(() => Object.keys(window).filter((key) => key === "__injected" || key === "__handler")),
  ).toEqual([]);
  expect(violations.filter((text) => /inline/i.test(text)).length).toBeGreaterThanOrEqual(2);
  await page.unroute("**/tasks");
  await page.goto("/tasks");
  violations.length = 0;
  for (const path of ["/api/trpc/tasks.count?input=%7B%22json%22%3A%7B%7D%7D", "/health", "/metrics"]) {
    const response = await fetch(`${baseUrl()}${path}`);
    for (const [name, value] of Object.entries(REQUIRED))
      expect(response.headers.get(name), `${path} ${name}`).toMatch(value);
  }

  // A mutation from the dashboard's own page passes the same-origin check.
  await loginThroughDialog(page);
  await page.getByTestId("task-create-toggle").click();
  await page.getByTestId("create-type").fill("e2e-csp");
  await page.getByTestId("create-params").fill("{}");
  await page.getByTestId("create-submit").click();
  await expect(page.getByTestId("create-success").getByRole("link")).toBeVisible();
  expect(violations).toEqual([]);
});
