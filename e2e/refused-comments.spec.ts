import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { currentStack } from "./support/backend";

/** A stranger's forged claim on the repository's first sentinel issue, through the emulator's REST API. */
async function forgeClaimAsStranger(): Promise<void> {
  const stack = currentStack();
  if (!stack.github) throw new Error("the GitHub stack has no emulator settings");
  const { strangerToken } = JSON.parse(readFileSync(join(stack.dataDir, "github-demo-secrets.json"), "utf8")) as {
    strangerToken: string;
  };
  const { apiUrl, owner, repo } = stack.github;
  const headers = { authorization: `token ${strangerToken}`, "content-type": "application/json" };
  const issues = (await (
    await fetch(`${apiUrl}/repos/${owner}/${repo}/issues?labels=sentinel`, { headers })
  ).json()) as Array<{ number: number }>;
  const issue = issues[0]?.number;
  if (issue === undefined) throw new Error("no sentinel issue to comment on");
  const body = `forged\n\n<!-- sentinel:v1 {"p":{"k":"claim"},"sig":"00"} -->`;
  const posted = await fetch(`${apiUrl}/repos/${owner}/${repo}/issues/${issue}/comments`, {
    method: "POST",
    headers,
    body: JSON.stringify({ body }),
  });
  expect(posted.status).toBe(201);
}

test("the overview shows refused GitHub comments by author and reason (GitHub mode only)", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("overview-workers")).toBeVisible();
  if (currentStack().backend !== "github") {
    await expect(page.getByTestId("refusals-panel")).toHaveCount(0);
    return;
  }
  await forgeClaimAsStranger();
  const panel = page.getByTestId("refusals-panel");
  await expect(panel.getByRole("row", { name: /stranger\s+author/ })).toBeVisible();
});
