import { describe, expect, it } from "vitest";
import { adminCall, api, createIssue, octokitFor, repoPath, startTestEmulator, TOKENS } from "./helpers.js";

describe("primary rate limit", () => {
  it("counts requests per login, reports them in headers and /rate_limit, and answers 403 when exhausted", async () => {
    const emulator = await startTestEmulator({ rateLimit: { limit: 3 } });
    const first = await api(emulator, "GET", repoPath);
    expect(first.headers.get("x-ratelimit-limit")).toBe("3");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("2");
    expect(first.headers.get("x-ratelimit-used")).toBe("1");
    expect(first.headers.get("x-ratelimit-resource")).toBe("core");
    const reset = Number(first.headers.get("x-ratelimit-reset"));
    expect(reset * 1000).toBeGreaterThan(Date.now() + 3_500_000);

    const overview = await octokitFor(emulator).rest.rateLimit.get();
    expect(overview.data.rate).toMatchObject({ limit: 3, remaining: 2, used: 1, reset });

    await api(emulator, "GET", repoPath);
    await api(emulator, "GET", repoPath);
    const limited = await api(emulator, "GET", repoPath);
    expect(limited.status).toBe(403);
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(limited.json).toMatchObject({ message: expect.stringMatching(/^API rate limit exceeded for user ID \d+/) });
    await expect(octokitFor(emulator).rest.repos.get({ owner: "acme", repo: "tasks" })).rejects.toMatchObject({
      status: 403,
    });

    const otherUser = await api(emulator, "GET", repoPath, { token: TOKENS.bob });
    expect(otherUser.status).toBe(200);

    emulator.clock.setOffset(3_600_000);
    const afterReset = await api(emulator, "GET", repoPath);
    expect(afterReset.status).toBe(200);
    expect(afterReset.headers.get("x-ratelimit-remaining")).toBe("2");
  });

  it("shares one budget between the tokens of a login", async () => {
    const emulator = await startTestEmulator({
      rateLimit: { limit: 10 },
      users: [
        { login: "worker", token: "w1" },
        { login: "worker", token: "w2" },
      ],
    });
    await api(emulator, "GET", repoPath, { token: "w1" });
    const second = await api(emulator, "GET", repoPath, { token: "w2" });
    expect(second.headers.get("x-ratelimit-used")).toBe("2");
  });
});

describe("secondary rate limit", () => {
  it("refuses writes past the per-minute budget with retry-after, without zeroing remaining", async () => {
    const emulator = await startTestEmulator({ secondaryRateLimit: { perMinute: 3, perHour: 100 } });
    const number = await createIssue(emulator);
    const path = `${repoPath}/issues/${number}/comments`;
    expect((await api(emulator, "POST", path, { body: { body: "1" } })).status).toBe(201);
    expect((await api(emulator, "PATCH", `${repoPath}/issues/${number}`, { body: { title: "t" } })).status).toBe(200);
    const limited = await api(emulator, "POST", path, { body: { body: "3" } });
    expect(limited.status).toBe(403);
    expect(limited.json).toMatchObject({
      message: expect.stringContaining("You have exceeded a secondary rate limit"),
    });
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(Number(limited.headers.get("x-ratelimit-remaining"))).toBeGreaterThan(0);
    expect((await api(emulator, "GET", path)).status).toBe(200);
    expect((await api(emulator, "POST", path, { body: { body: "other user" }, token: TOKENS.bob })).status).toBe(201);

    emulator.clock.setOffset(61_000);
    expect((await api(emulator, "POST", path, { body: { body: "later" } })).status).toBe(201);
    expect(emulator.stats().counters.secondaryLimited).toBe(1);
  });

  it("enforces the per-hour budget and can answer 429 instead of 403", async () => {
    const emulator = await startTestEmulator({ secondaryRateLimit: { perMinute: 100, perHour: 2, status: 429 } });
    await createIssue(emulator);
    await createIssue(emulator);
    const limited = await api(emulator, "POST", `${repoPath}/issues`, { body: { title: "x" } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(60);
  });

  it("reports a secondary limit that Octokit's throttling plugin recognises", async () => {
    const emulator = await startTestEmulator({ secondaryRateLimit: { perMinute: 1 } });
    await createIssue(emulator);
    const error = await createIssue(emulator).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 403, message: expect.stringMatching(/\bsecondary rate\b/i) });
    expect((error as { response: { headers: Record<string, string> } }).response.headers["retry-after"]).toMatch(
      /^\d+$/,
    );
  });

  it("answers every write with a secondary limit during a storm started through the admin API", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator);
    const storm = await adminCall(emulator, "POST", "/faults", { secondaryStormSeconds: 30 });
    expect(storm.json).toMatchObject({ secondaryStormUntil: expect.any(String) });
    const limited = await api(emulator, "POST", `${repoPath}/issues/${number}/comments`, { body: { body: "x" } });
    expect(limited.status).toBe(403);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(29);
    expect((await api(emulator, "GET", `${repoPath}/issues/${number}`)).status).toBe(200);
    emulator.clock.setOffset(31_000);
    expect((await api(emulator, "POST", `${repoPath}/issues/${number}/comments`, { body: { body: "x" } })).status).toBe(
      201,
    );
  });

  it("sends a secondary limit in each of GitHub's shapes", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator);
    const post = () => api(emulator, "POST", `${repoPath}/issues/${number}/comments`, { body: { body: "x" } });
    const nowSeconds = Math.floor(emulator.clock.now() / 1000);

    await adminCall(emulator, "POST", "/faults", {
      secondaryStormSeconds: 30,
      secondaryShape: "bare",
      secondaryStatus: 429,
    });
    const bare = await post();
    expect(bare.status).toBe(429);
    expect(bare.headers.get("retry-after")).toBeNull();
    expect(bare.headers.get("x-ratelimit-remaining")).not.toBe("0");
    expect(JSON.stringify(bare.json)).toMatch(/secondary rate limit/);

    await adminCall(emulator, "POST", "/faults", { secondaryShape: "reset", secondaryStatus: 403 });
    const reset = await post();
    expect(reset.status).toBe(403);
    expect(reset.headers.get("retry-after")).toBeNull();
    expect(reset.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(reset.headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(nowSeconds + 29);

    await adminCall(emulator, "POST", "/faults", { secondaryShape: "tooQuickly" });
    const tooQuickly = await post();
    expect(tooQuickly.status).toBe(422);
    expect(tooQuickly.json).toMatchObject({
      message: "Validation Failed",
      errors: [{ message: "was submitted too quickly" }],
    });

    expect((await adminCall(emulator, "POST", "/faults", { secondaryShape: "sideways" })).status).toBe(400);
  });
});
