import type { BrowserContext, Page } from "@playwright/test";
import { E2E_OPERATOR_TOKEN } from "./stack-env";

/** Logs the browser context in through the real login endpoint (the session cookie lands in the context). */
export async function loginContext(context: BrowserContext): Promise<void> {
  const res = await context.request.post("/api/auth/login", { data: { token: E2E_OPERATOR_TOKEN } });
  if (res.status() !== 204) throw new Error(`login failed: HTTP ${res.status()}`);
}

/**
 * Logs in through the sidebar's "Log in" and the dialog it opens (actions are not shown
 * before, so this comes first), with the bootstrap token or `token`.
 */
export async function loginThroughDialog(page: Page, token = E2E_OPERATOR_TOKEN): Promise<void> {
  await page.getByTestId("login-open").click();
  const dialog = page.getByTestId("login-dialog");
  await dialog.waitFor();
  await page.getByTestId("login-token").fill(token);
  await page.getByTestId("login-submit").click();
  await dialog.waitFor({ state: "detached" });
}
