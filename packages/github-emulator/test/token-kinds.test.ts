import { generateKeyPairSync } from "node:crypto";
import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { api, createIssue, OWNER, REPO, repoPath, startTestEmulator } from "./helpers.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const APP = { id: 4242, slug: "sentinel-app", publicKey, installations: [77] };

function appOctokit(url: string, key = privateKey): Octokit {
  return new Octokit({
    baseUrl: url,
    authStrategy: createAppAuth,
    auth: { appId: APP.id, privateKey: key, installationId: 77 },
    request: { retries: 0 },
  });
}

describe("token kinds", () => {
  it("answers an Actions token like GitHub: it writes as github-actions[bot], GET /user is 403", async () => {
    const emulator = await startTestEmulator({
      users: [{ login: "github-actions[bot]", token: "ghs_actions", integration: true }],
    });
    const user = await api(emulator, "GET", "/user", { token: "ghs_actions" });
    expect(user.status).toBe(403);
    expect(user.json).toEqual({
      message: "Resource not accessible by integration",
      documentation_url: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
      status: "403",
    });
    const issue = await api(emulator, "POST", `${repoPath}/issues`, { token: "ghs_actions", body: { title: "t" } });
    const comment = await api(
      emulator,
      "POST",
      `${repoPath}/issues/${(issue.json as { number: number }).number}/comments`,
      {
        token: "ghs_actions",
        body: { body: "hello" },
      },
    );
    expect(comment.json).toMatchObject({ user: { login: "github-actions[bot]", type: "Bot" } });
  });

  it("mints installation tokens for a JWT signed by the app's key; they write as <slug>[bot] and expire", async () => {
    const emulator = await startTestEmulator({ apps: [APP], installationTokenTtlMs: 60_000 });
    const octokit = appOctokit(emulator.url);
    const { data: app } = await octokit.request("GET /app");
    expect(app).toMatchObject({ id: APP.id, slug: "sentinel-app" });
    const number = await createIssue(emulator);
    const { data: comment } = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: OWNER,
      repo: REPO,
      issue_number: number,
      body: "from the app",
    });
    expect(comment.user).toMatchObject({ login: "sentinel-app[bot]", type: "Bot" });
    await expect(octokit.request("GET /user")).rejects.toMatchObject({ status: 403 });

    const auth = createAppAuth({ appId: APP.id, privateKey, installationId: 77, request: octokit.request });
    const minted = await auth({ type: "installation", refresh: true });
    expect(Date.parse(minted.expiresAt) - emulator.clock.now()).toBeGreaterThan(50_000);
    expect((await api(emulator, "GET", repoPath, { token: minted.token })).status).toBe(200);
    emulator.clock.setOffset(61_000);
    const expired = await api(emulator, "GET", repoPath, { token: minted.token });
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({ message: "Bad credentials" });
    const fresh = await auth({ type: "installation", refresh: true });
    expect((await api(emulator, "GET", repoPath, { token: fresh.token })).status).toBe(200);
  });

  it("refuses a JWT signed by another key, one that has expired, and an unknown installation", async () => {
    const emulator = await startTestEmulator({ apps: [APP] });
    const other = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    await expect(appOctokit(emulator.url, other.privateKey).request("GET /app")).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining("A JSON web token could not be decoded"),
    });
    const auth = createAppAuth({ appId: APP.id, privateKey });
    const { token: jwt } = await auth({ type: "app" });
    emulator.clock.setOffset(11 * 60_000);
    const late = await api(emulator, "GET", "/app", { token: null, headers: { authorization: `Bearer ${jwt}` } });
    expect(late.status).toBe(401);
    expect(late.json).toMatchObject({ message: expect.stringContaining("'Expiration time' claim ('exp')") });
    emulator.clock.setOffset(0);
    const unknown = await api(emulator, "POST", "/app/installations/78/access_tokens", {
      token: null,
      headers: { authorization: `Bearer ${jwt}` },
    });
    expect(unknown.status).toBe(404);
  });

  it("with rate limiting off (GitHub Enterprise Server), answers /rate_limit 404 and sends no rate-limit headers", async () => {
    const emulator = await startTestEmulator({ rateLimit: false });
    const rate = await api(emulator, "GET", "/rate_limit");
    expect(rate.status).toBe(404);
    expect(rate.json).toMatchObject({ message: "Rate limiting is not enabled." });
    const repo = await api(emulator, "GET", `/api/v3${repoPath}`);
    expect(repo.status).toBe(200);
    expect(repo.headers.get("x-ratelimit-limit")).toBeNull();
    expect(repo.headers.get("date")).toMatch(/GMT$/);
  });
});
