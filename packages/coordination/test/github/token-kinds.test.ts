import { generateKeyPairSync } from "node:crypto";
import type { Emulator, EmulatorOptions } from "@sentinel/github-emulator";
import { closedAfterEach, fastStoreOptions, OWNER, REPO, SECRET } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { claimMeta, registration, rejectionOf, taskInput } from "../../src/store/contract/harness.js";
import { type GithubStore, type GithubStoreOptions, githubStoreOptionsFromEnv } from "../../src/store/github/index.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const APP = { id: 4242, slug: "sentinel-app", publicKey, installations: [77] };
const TOKEN_ROUTE = "POST /app/installations/{installation_id}/access_tokens";

const opened = closedAfterEach();
let emulator: Emulator | null = null;

async function start(options: Partial<EmulatorOptions>): Promise<Emulator> {
  emulator = await opened.emulator(options);
  return emulator;
}

const open = (options: GithubStoreOptions): Promise<GithubStore> => opened.store(options);

/** What every mode must do: register, create, claim, complete — authored by the store's login. */
async function runTasks(opened: GithubStore, count: number, workerId = "w-1"): Promise<void> {
  await opened.registerWorker(registration(workerId));
  for (let i = 0; i < count; i += 1) {
    const task = await opened.createTask(taskInput(), "operator:test");
    const [claimed] = await opened.claimTasks({ workerId, taskIds: [task.id], metadata: claimMeta });
    expect(claimed?.lock.ownerId).toBe(workerId);
    await opened.completeTask(task.id, claimed?.lock.token ?? -1, { result: i });
    await opened.heartbeat(workerId, { activeTasks: 0 });
    expect(await opened.getTask(task.id)).toMatchObject({ state: "succeeded", result: i });
  }
}

function authorsOnGithub(): Set<string> {
  const repo = emulator?.state.repo(OWNER, REPO);
  return new Set([
    ...(repo?.visibleIssues() ?? []).map((issue) => issue.author),
    ...(repo?.visibleComments() ?? []).map((comment) => comment.author),
  ]);
}

describe("every credential a GitHub deployment uses", () => {
  it("personal token: the login comes from GET /user", async () => {
    const started = await start({});
    const opened = await open(fastStoreOptions(started, "bot-token"));
    expect(opened.login).toBe("sentinel-bot");
    await runTasks(opened, 2);
    expect(authorsOnGithub()).toEqual(new Set(["sentinel-bot"]));
  });

  it("GitHub App installation: writes as <slug>[bot] and refreshes its token before it expires", async () => {
    // Tokens that live 3 s instead of an hour, so several refreshes happen within the test.
    const started = await start({ users: [], apps: [APP], installationTokenTtlMs: 3000 });
    const { token: _none, ...base } = fastStoreOptions(started, "unused");
    const opened = await open({ ...base, app: { appId: APP.id, privateKey, installationId: 77 } });
    expect(opened.login).toBe("sentinel-app[bot]");
    const until = Date.now() + 7000;
    let round = 0;
    while (Date.now() < until) {
      round += 1;
      await runTasks(opened, 1, `w-${round}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const stats = started.stats();
    expect(stats.byRoute[TOKEN_ROUTE]?.["201"]).toBeGreaterThanOrEqual(3);
    // Refreshed ahead of expiry: no request was ever refused for an expired token.
    expect(stats.byStatus["401"] ?? 0).toBe(0);
    expect(authorsOnGithub()).toEqual(new Set(["sentinel-app[bot]"]));
  });

  it("GitHub Actions token: GET /user is refused, so inside Actions it writes as github-actions[bot]", async () => {
    const started = await start({ users: [{ login: "github-actions[bot]", token: "ghs_actions", integration: true }] });
    const env = {
      GITHUB_TOKEN: "ghs_actions",
      GITHUB_OWNER: OWNER,
      GITHUB_REPO: REPO,
      GITHUB_API_URL: started.url,
      SENTINEL_HMAC_SECRET: SECRET,
    };
    const { token: _token, ...fast } = fastStoreOptions(started, "ghs_actions");
    // Outside Actions nothing says who the token is: a clear error naming the option to set.
    const refused = await rejectionOf(open(githubStoreOptionsFromEnv(env, fast)));
    expect(refused).toMatchObject({ field: "login" });
    const opened = await open(githubStoreOptionsFromEnv({ ...env, GITHUB_ACTIONS: "true" }, fast));
    expect(opened.login).toBe("github-actions[bot]");
    await runTasks(opened, 2);
    expect(authorsOnGithub()).toEqual(new Set(["github-actions[bot]"]));
    expect(started.stats().byRoute["GET /user"]).toEqual({ "403": 2 });
  });

  it("a configured login is used as is: no GET /user", async () => {
    const started = await start({ users: [{ login: "github-actions[bot]", token: "ghs_actions", integration: true }] });
    const opened = await open(fastStoreOptions(started, "ghs_actions", { login: "github-actions[bot]" }));
    await runTasks(opened, 1);
    expect(started.stats().byRoute["GET /user"]).toBeUndefined();
  });

  for (const rateLimit of [true, false]) {
    it(`GitHub Enterprise Server (/api/v3) with rate limiting ${rateLimit ? "on" : "off"}`, async () => {
      const started = await start({ ...(rateLimit ? {} : { rateLimit: false }), clock: { offsetMs: 5 * 60_000 } });
      const opened = await open(fastStoreOptions(started, "bot-token", { baseUrl: `${started.url}/api/v3` }));
      // The clock is calibrated from the Date header either way, even where /rate_limit is 404.
      expect(Math.abs((await opened.now()) - started.clock.now())).toBeLessThan(250);
      await runTasks(opened, 2);
      expect(started.stats().byRoute["GET /rate_limit"]?.[rateLimit ? "200" : "404"]).toBeGreaterThan(0);
      expect(opened.budget().primary.limit).toBe(rateLimit ? 5000 : null);
    });
  }
});
