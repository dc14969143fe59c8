import { describe, expect, it } from "vitest";
import { api, createIssue, repoPath, startTestEmulator, TOKENS } from "./helpers.js";

describe("conditional requests", () => {
  it("sends a weak etag and answers a matching If-None-Match with an empty 304 that costs no rate limit", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator);
    const path = `${repoPath}/issues/${number}/comments`;
    const first = await api(emulator, "GET", path);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    const remaining = Number(first.headers.get("x-ratelimit-remaining"));

    const cached = await api(emulator, "GET", path, { headers: { "if-none-match": etag } });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe("");
    expect(cached.headers.get("etag")).toBe(etag);
    expect(Number(cached.headers.get("x-ratelimit-remaining"))).toBe(remaining);
    const again = await api(emulator, "GET", path, { headers: { "if-none-match": etag } });
    expect(Number(again.headers.get("x-ratelimit-remaining"))).toBe(remaining);

    await api(emulator, "POST", path, { body: { body: "new" } });
    const changed = await api(emulator, "GET", path, { headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(Number(changed.headers.get("x-ratelimit-remaining"))).toBe(remaining - 2);
    expect(emulator.stats().counters.notModified).toBe(2);
  });

  it("gives each token its own etag", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator);
    const path = `${repoPath}/issues/${number}`;
    const asAlice = await api(emulator, "GET", path);
    const asBob = await api(emulator, "GET", path, {
      token: TOKENS.bob,
      headers: { "if-none-match": asAlice.headers.get("etag") ?? "" },
    });
    expect(asBob.status).toBe(200);
  });

  it("sends last-modified and honours If-Modified-Since", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator);
    const path = `${repoPath}/issues/${number}`;
    const first = await api(emulator, "GET", path);
    const lastModified = first.headers.get("last-modified") ?? "";
    expect(Date.parse(lastModified)).toBe(Date.parse((first.json as { updated_at: string }).updated_at));
    expect((await api(emulator, "GET", path, { headers: { "if-modified-since": lastModified } })).status).toBe(304);
    emulator.clock.setOffset(5_000);
    await api(emulator, "PATCH", path, { body: { title: "renamed" } });
    expect((await api(emulator, "GET", path, { headers: { "if-modified-since": lastModified } })).status).toBe(200);
  });
});
