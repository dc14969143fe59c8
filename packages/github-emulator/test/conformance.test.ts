import { beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES } from "../src/routes.js";
import {
  type ApiResponse,
  adminCall,
  api,
  OWNER,
  REPO,
  repoPath,
  startAppEmulator,
  startTestEmulator,
  TEST_APP_INSTALLATION,
  TOKENS,
} from "./helpers.js";
import { OpenApiValidator } from "./openapi-validator.js";

interface Case {
  method: string;
  pattern: string;
  path: string;
  body?: unknown;
  token?: string;
  expected: number;
}

let validator: OpenApiValidator;

beforeAll(() => {
  validator = new OpenApiValidator();
});

/** Exercises every route, successes first, then the errors GitHub documents for them. */
function cases(issueNumber: number, commentId: number, spareCommentId: number, deletedIssue: number): Case[] {
  const issue = `${repoPath}/issues/${issueNumber}`;
  const ISSUE = "/repos/{owner}/{repo}/issues/{issue_number}";
  const COMMENT = "/repos/{owner}/{repo}/issues/comments/{comment_id}";
  return [
    { method: "GET", pattern: "/user", path: "/user", expected: 200 },
    { method: "GET", pattern: "/rate_limit", path: "/rate_limit", expected: 200 },
    { method: "GET", pattern: "/repos/{owner}/{repo}", path: repoPath, expected: 200 },
    {
      method: "GET",
      pattern: "/repos/{owner}/{repo}/issues",
      path: `${repoPath}/issues?state=all&labels=sentinel`,
      expected: 200,
    },
    {
      method: "POST",
      pattern: "/repos/{owner}/{repo}/issues",
      path: `${repoPath}/issues`,
      body: { title: "t", body: "b", labels: ["x"] },
      expected: 201,
    },
    { method: "GET", pattern: ISSUE, path: issue, expected: 200 },
    {
      method: "PATCH",
      pattern: ISSUE,
      path: issue,
      body: { state: "closed", state_reason: "completed" },
      expected: 200,
    },
    { method: "GET", pattern: `${ISSUE}/labels`, path: `${issue}/labels`, expected: 200 },
    {
      method: "POST",
      pattern: `${ISSUE}/labels`,
      path: `${issue}/labels`,
      body: { labels: ["a", "b"] },
      expected: 200,
    },
    { method: "PUT", pattern: `${ISSUE}/labels`, path: `${issue}/labels`, body: { labels: ["a", "c"] }, expected: 200 },
    { method: "DELETE", pattern: `${ISSUE}/labels/{name}`, path: `${issue}/labels/a`, expected: 200 },
    { method: "DELETE", pattern: `${ISSUE}/labels`, path: `${issue}/labels`, expected: 204 },
    { method: "GET", pattern: "/repos/{owner}/{repo}/labels", path: `${repoPath}/labels`, expected: 200 },
    {
      method: "POST",
      pattern: "/repos/{owner}/{repo}/labels",
      path: `${repoPath}/labels`,
      body: { name: "new", color: "ff0000", description: "d" },
      expected: 201,
    },
    { method: "GET", pattern: "/repos/{owner}/{repo}/labels/{name}", path: `${repoPath}/labels/new`, expected: 200 },
    { method: "GET", pattern: `${ISSUE}/comments`, path: `${issue}/comments`, expected: 200 },
    { method: "POST", pattern: `${ISSUE}/comments`, path: `${issue}/comments`, body: { body: "c" }, expected: 201 },
    {
      method: "GET",
      pattern: "/repos/{owner}/{repo}/issues/comments",
      path: `${repoPath}/issues/comments?sort=updated&direction=desc`,
      expected: 200,
    },
    { method: "GET", pattern: COMMENT, path: `${repoPath}/issues/comments/${commentId}`, expected: 200 },
    {
      method: "PATCH",
      pattern: COMMENT,
      path: `${repoPath}/issues/comments/${commentId}`,
      body: { body: "edited" },
      expected: 200,
    },
    { method: "DELETE", pattern: COMMENT, path: `${repoPath}/issues/comments/${spareCommentId}`, expected: 204 },
    // Documented errors.
    { method: "GET", pattern: "/repos/{owner}/{repo}", path: "/repos/acme/missing", expected: 404 },
    { method: "GET", pattern: ISSUE, path: `${repoPath}/issues/9999`, expected: 404 },
    { method: "GET", pattern: ISSUE, path: `${repoPath}/issues/${deletedIssue}`, expected: 410 },
    { method: "POST", pattern: "/repos/{owner}/{repo}/issues", path: `${repoPath}/issues`, body: {}, expected: 422 },
    { method: "PATCH", pattern: ISSUE, path: issue, body: { state: "bogus" }, expected: 422 },
    {
      method: "POST",
      pattern: `${ISSUE}/comments`,
      path: `${issue}/comments`,
      body: { body: "x".repeat(65_537) },
      expected: 422,
    },
    {
      method: "POST",
      pattern: `${ISSUE}/comments`,
      path: `${repoPath}/issues/${deletedIssue}/comments`,
      body: { body: "x" },
      expected: 410,
    },
    { method: "GET", pattern: `${ISSUE}/comments`, path: `${repoPath}/issues/${deletedIssue}/comments`, expected: 410 },
    {
      method: "POST",
      pattern: "/repos/{owner}/{repo}/labels",
      path: `${repoPath}/labels`,
      body: { name: "new" },
      expected: 422,
    },
    { method: "GET", pattern: COMMENT, path: `${repoPath}/issues/comments/${spareCommentId}`, expected: 404 },
    { method: "PATCH", pattern: COMMENT, path: `${repoPath}/issues/comments/${commentId}`, body: {}, expected: 422 },
    {
      method: "POST",
      pattern: "/repos/{owner}/{repo}/issues",
      path: `${repoPath}/issues`,
      body: { title: "x" },
      token: TOKENS.stranger,
      expected: 201,
    },
    { method: "PATCH", pattern: ISSUE, path: issue, body: { title: "x" }, token: TOKENS.stranger, expected: 403 },
    { method: "GET", pattern: "/user", path: "/user", token: "invalid", expected: 401 },
  ];
}

describe("conformance with GitHub's OpenAPI description", () => {
  it("answers every route with bodies that match the documented response schemas", async () => {
    const emulator = await startTestEmulator({ repos: [`${OWNER}/${REPO}`] });
    const seed = async (method: string, path: string, body: unknown) =>
      (await api(emulator, method, path, { body })).json as Record<string, number>;
    const issue = await seed("POST", `${repoPath}/issues`, { title: "conformance", body: "b", labels: ["sentinel"] });
    const deleted = await seed("POST", `${repoPath}/issues`, { title: "to delete" });
    await adminCall(emulator, "DELETE", `/repos/${OWNER}/${REPO}/issues/${deleted.number}`);
    const comment = await seed("POST", `${repoPath}/issues/${issue.number}/comments`, { body: "c" });
    const spare = await seed("POST", `${repoPath}/issues/${issue.number}/comments`, { body: "spare" });

    const covered = new Set<string>();
    const problems: string[] = [];
    for (const testCase of cases(issue.number ?? 0, comment.id ?? 0, spare.id ?? 0, deleted.number ?? 0)) {
      const response: ApiResponse = await api(emulator, testCase.method, testCase.path, {
        body: testCase.body,
        token: testCase.token,
      });
      const label = `${testCase.method} ${testCase.path}`;
      expect(response.status, label).toBe(testCase.expected);
      const documented = validator.documentedStatuses(testCase.method, testCase.pattern);
      if (documented.includes(String(response.status))) {
        problems.push(...validator.validate(testCase.method, testCase.pattern, response.status, response.json));
      } else {
        // GitHub's description does not list every error (e.g. 401, or 403 on PATCH issue): check the generic error shape.
        expect(response.status, label).toBeGreaterThanOrEqual(400);
        problems.push(...validator.validateError(response.json));
      }
      if (response.status < 300) covered.add(`${testCase.method} ${testCase.pattern}`);
    }
    expect(problems).toEqual([]);
    expect([...covered].sort()).toEqual(API_ROUTES.map((route) => `${route.method} ${route.pattern}`).sort());
  });

  it("answers the GitHub App routes (JWT) with bodies that match the documented schemas", async () => {
    const { emulator, jwt } = await startAppEmulator();
    const app = await api(emulator, "GET", "/app", { token: null, headers: { authorization: `bearer ${jwt}` } });
    const minted = await api(emulator, "POST", `/app/installations/${TEST_APP_INSTALLATION}/access_tokens`, {
      token: null,
      headers: { authorization: `bearer ${jwt}` },
    });
    expect([app.status, minted.status]).toEqual([200, 201]);
    expect([
      ...validator.validate("GET", "/app", 200, app.json),
      ...validator.validate("POST", "/app/installations/{installation_id}/access_tokens", 201, minted.json),
    ]).toEqual([]);
  });

  it("detects a non-conforming body (the validator is not vacuous)", () => {
    const problems = validator.validate("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}", 200, {
      id: "1",
      body: 5,
    });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join("\n")).toMatch(/must have required property 'node_id'/);
  });
});
