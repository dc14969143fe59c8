import { describe, expect, it } from "vitest";
import { adminCall, api, createIssue, OWNER, REPO, repoPath, startTestEmulator, TOKENS } from "./helpers.js";

describe("authentication", () => {
  it("maps `token` and `Bearer` credentials to their login", async () => {
    const emulator = await startTestEmulator();
    const viaToken = await api(emulator, "GET", "/user");
    const viaBearer = await api(emulator, "GET", "/user", {
      token: null,
      headers: { authorization: `Bearer ${TOKENS.bob}` },
    });
    expect((viaToken.json as { login: string }).login).toBe("alice");
    expect((viaBearer.json as { login: string }).login).toBe("bob");
  });

  it("answers 401 Bad credentials to an unknown token and 401 to a missing one", async () => {
    const emulator = await startTestEmulator();
    const bad = await api(emulator, "GET", `${repoPath}/issues`, { token: "nope" });
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({
      message: "Bad credentials",
      documentation_url: expect.stringContaining("docs.github.com"),
    });
    const missing = await api(emulator, "GET", "/user", { token: null });
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ message: "Requires authentication" });
  });
});

describe("not found and gone", () => {
  it("answers 404 Not Found for unknown repositories, routes, issues and private repositories of others", async () => {
    const emulator = await startTestEmulator({
      repos: [`${OWNER}/${REPO}`, { owner: OWNER, name: "secret", private: true }],
    });
    for (const path of [
      "/repos/acme/missing/issues",
      "/nowhere",
      `${repoPath}/issues/999`,
      `${repoPath}/issues/comments/1`,
    ]) {
      const response = await api(emulator, "GET", path);
      expect(response.status, path).toBe(404);
      expect(response.json).toMatchObject({ message: "Not Found" });
    }
    expect((await api(emulator, "GET", "/repos/acme/secret", { token: TOKENS.stranger })).status).toBe(404);
    expect((await api(emulator, "GET", "/repos/acme/secret", { token: TOKENS.bob })).status).toBe(200);
  });

  it("answers 410 for a deleted issue and its comments, 404 for a deleted comment", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator);
    const comment = await api(emulator, "POST", `${repoPath}/issues/${number}/comments`, { body: { body: "x" } });
    const commentId = (comment.json as { id: number }).id;
    expect((await api(emulator, "DELETE", `${repoPath}/issues/comments/${commentId}`)).status).toBe(204);
    expect((await api(emulator, "GET", `${repoPath}/issues/comments/${commentId}`)).status).toBe(404);
    expect(
      (await api(emulator, "PATCH", `${repoPath}/issues/comments/${commentId}`, { body: { body: "y" } })).status,
    ).toBe(404);

    expect((await adminCall(emulator, "DELETE", `/repos/${OWNER}/${REPO}/issues/${number}`)).status).toBe(204);
    const gone = await api(emulator, "GET", `${repoPath}/issues/${number}`);
    expect(gone.status).toBe(410);
    expect(gone.json).toMatchObject({ message: "This issue was deleted" });
    expect((await api(emulator, "GET", `${repoPath}/issues/${number}/comments`)).status).toBe(410);
    expect((await api(emulator, "PATCH", `${repoPath}/issues/${number}`, { body: { title: "t" } })).status).toBe(410);
    expect((await api(emulator, "POST", `${repoPath}/issues/${number}/comments`, { body: { body: "x" } })).status).toBe(
      410,
    );
  });
});

describe("request validation", () => {
  it("answers 400 Problems parsing JSON to malformed bodies", async () => {
    const emulator = await startTestEmulator();
    const response = await api(emulator, "POST", `${repoPath}/issues`, {
      rawBody: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ message: "Problems parsing JSON" });
  });

  it("answers 422 Validation Failed naming the missing field", async () => {
    const emulator = await startTestEmulator();
    const noTitle = await api(emulator, "POST", `${repoPath}/issues`, { body: { body: "b" } });
    expect(noTitle.status).toBe(422);
    expect(noTitle.json).toMatchObject({
      message: "Validation Failed",
      errors: [{ resource: "Issue", code: "missing_field", field: "title" }],
      documentation_url: expect.any(String),
    });
    const number = await createIssue(emulator);
    const noBody = await api(emulator, "POST", `${repoPath}/issues/${number}/comments`, { body: {} });
    expect(noBody.status).toBe(422);
    expect(noBody.json).toMatchObject({ errors: [{ resource: "IssueComment", code: "missing_field", field: "body" }] });
    const badState = await api(emulator, "PATCH", `${repoPath}/issues/${number}`, { body: { state: "done" } });
    expect(badState.status).toBe(422);
    expect(badState.json).toMatchObject({ errors: [{ field: "state", code: "invalid" }] });
  });

  it("accepts a body of exactly 65,536 characters and rejects one more", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator);
    const atLimit = await api(emulator, "POST", `${repoPath}/issues/${number}/comments`, {
      body: { body: "a".repeat(65_536) },
    });
    expect(atLimit.status).toBe(201);
    const tooLong = await api(emulator, "POST", `${repoPath}/issues/${number}/comments`, {
      body: { body: "a".repeat(65_537) },
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json).toMatchObject({
      message: "Validation Failed",
      errors: [{ resource: "IssueComment", field: "body", message: "body is too long (maximum is 65536 characters)" }],
    });
    const commentId = (atLimit.json as { id: number }).id;
    const patch = await api(emulator, "PATCH", `${repoPath}/issues/comments/${commentId}`, {
      body: { body: "b".repeat(65_537) },
    });
    expect(patch.status).toBe(422);
    const issue = await api(emulator, "POST", `${repoPath}/issues`, { body: { title: "t", body: "c".repeat(65_537) } });
    expect(issue.status).toBe(422);
  });

  it("refuses label names over 50 characters and titles over 256 with GitHub's error bodies", async () => {
    const emulator = await startTestEmulator();
    const fifty = "l".repeat(50);
    const long = "l".repeat(51);
    expect((await api(emulator, "POST", `${repoPath}/labels`, { body: { name: fifty } })).status).toBe(201);
    const label = await api(emulator, "POST", `${repoPath}/labels`, { body: { name: long } });
    expect(label.status).toBe(422);
    expect(label.json).toEqual({
      message: "Validation Failed",
      errors: [
        { resource: "Label", code: "custom", field: "name", message: "name is too long (maximum is 50 characters)" },
      ],
      documentation_url: expect.any(String),
      status: "422",
    });
    // Labelling an issue (on create, update, or the labels endpoints) refuses the name by value.
    const onCreate = await api(emulator, "POST", `${repoPath}/issues`, { body: { title: "t", labels: [fifty, long] } });
    expect(onCreate.status).toBe(422);
    expect(onCreate.json).toMatchObject({
      errors: [{ value: long, resource: "Label", field: "name", code: "invalid" }],
    });
    const number = await createIssue(emulator);
    for (const [method, path, body] of [
      ["PATCH", `${repoPath}/issues/${number}`, { labels: [long] }],
      ["POST", `${repoPath}/issues/${number}/labels`, { labels: [long] }],
      ["PUT", `${repoPath}/issues/${number}/labels`, { labels: [long] }],
    ] as const) {
      const response = await api(emulator, method, path, { body });
      expect(response.status, `${method} ${path}`).toBe(422);
      expect(response.json).toMatchObject({ errors: [{ value: long, code: "invalid" }] });
    }
    expect((await api(emulator, "POST", `${repoPath}/issues`, { body: { title: "t".repeat(256) } })).status).toBe(201);
    for (const [method, path] of [
      ["POST", `${repoPath}/issues`],
      ["PATCH", `${repoPath}/issues/${number}`],
    ] as const) {
      const response = await api(emulator, method, path, { body: { title: "t".repeat(257) } });
      expect(response.status, method).toBe(422);
      expect(response.json).toMatchObject({
        errors: [
          {
            resource: "Issue",
            code: "custom",
            field: "title",
            message: "title is too long (maximum is 256 characters)",
          },
        ],
      });
    }
  });
});

describe("URL forms", () => {
  it("serves the same API under the GitHub Enterprise /api/v3 prefix and under /repositories/{id}", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator, "prefixed");
    const viaPrefix = await api(emulator, "GET", `/api/v3${repoPath}/issues/${number}`);
    expect(viaPrefix.status).toBe(200);
    expect((viaPrefix.json as { url: string }).url).toBe(`${emulator.url}/api/v3${repoPath}/issues/${number}`);
    const repoId = emulator.state.repo(OWNER, REPO)?.record.id;
    const viaId = await api(emulator, "GET", `/repositories/${repoId}/issues/${number}`);
    expect((viaId.json as { title: string }).title).toBe("prefixed");
  });

  it("sends GitHub's standard headers with the emulator clock's Date", async () => {
    const emulator = await startTestEmulator({ clock: { offsetMs: 3_600_000 } });
    const response = await api(emulator, "GET", repoPath);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("x-github-request-id")).toMatch(/^[0-9A-F]{4}:[0-9A-F]{4}:/);
    const date = Date.parse(response.headers.get("date") ?? "");
    expect(Math.abs(date - (Date.now() + 3_600_000))).toBeLessThan(5_000);
    expect(response.headers.get("date")).toMatch(/GMT$/);
  });
});
