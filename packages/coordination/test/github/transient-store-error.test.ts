import { Octokit } from "@octokit/rest";
import { closeEmulatorsAfterEach, OWNER, REPO, startTestEmulator, TOKENS } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { transientStoreError } from "../../src/store/transient-store-error.js";

closeEmulatorsAfterEach();

const comment = (octokit: Octokit) =>
  octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: OWNER,
    repo: REPO,
    issue_number: 1,
    body: "x",
  });

async function thrownBy(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("the request succeeded");
}

describe("which store errors a starting worker waits out", () => {
  it.each(["retryAfter", "bare", "reset", "tooQuickly"] as const)(
    "a secondary-limit refusal (%s shape) is transient",
    async (shape) => {
      const emulator = await startTestEmulator({ secondaryRateLimit: false });
      // A plain Octokit (no retry plugins): the refusal itself, as the store's client sees it once its retries are spent.
      const octokit = new Octokit({ auth: TOKENS.bot, baseUrl: emulator.url });
      await octokit.request("POST /repos/{owner}/{repo}/issues", { owner: OWNER, repo: REPO, title: "t" });
      emulator.setFaults({ secondaryShape: shape, secondaryStormSeconds: 30 });
      const transient = transientStoreError(await thrownBy(() => comment(octokit)));
      expect(transient?.cause).toMatch(/^HTTP (403|429|422)/);
      // Shapes that say how long (retry-after, or a reset dated by the server's clock) set the least wait.
      if (shape === "retryAfter" || shape === "reset") expect(transient?.waitAtLeastMs).toBeGreaterThan(0);
    },
  );

  it("5xx is transient; 401, 404 and the coordination layer's typed errors are permanent", async () => {
    const emulator = await startTestEmulator({ secondaryRateLimit: false });
    const client = (token: string) => new Octokit({ auth: token, baseUrl: emulator.url });
    const user = (octokit: Octokit) => () => octokit.request("GET /user");
    expect(transientStoreError(await thrownBy(user(client("unknown-token"))))).toBeNull();
    const missingRepo = () => client(TOKENS.bot).request("GET /repos/{owner}/{repo}", { owner: OWNER, repo: "nope" });
    expect(transientStoreError(await thrownBy(missingRepo))).toBeNull();
    expect(transientStoreError(new ConfigError("GITHUB_TOKEN", "a token", "environment"))).toBeNull();
    emulator.setFaults({ errorRate: 1 });
    expect(transientStoreError(await thrownBy(user(client(TOKENS.bot))))?.cause).toMatch(/^HTTP 50[23]/);
  });
});
