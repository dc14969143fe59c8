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

  const document = await page.goto("/tasks");
  for (const [name, value] of Object.entries(REQUIRED)) expect(document?.headers()[name], name).toMatch(value);
  for (const path of ["/api/trpc/tasks.count?input=%7B%22json%22%3A%7B%7D%7D", "/health", "/metrics"]) {
    const response = await fetch(`${baseUrl()}${path}`);
    for (const [name, value] of Object.entries(REQUIRED))
      expect(response.headers.get(name), `${path} ${name}`).toMatch(value);
  }

  // A mutation from the dashboard's own page passes the same-origin check.
  await page.getByTestId("task-create-toggle").click();
  await page.getByTestId("create-type").fill("e2e-csp");
  await page.getByTestId("create-params").fill("{}");
  await page.getByTestId("create-submit").click();
  await loginThroughDialog(page);
  await expect(page.getByTestId("create-success").getByRole("link")).toBeVisible();
  expect(violations).toEqual([]);
});
