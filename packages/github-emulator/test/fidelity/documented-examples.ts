import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { OWNER, REPO, TOKENS } from "@sentinel/test-support/emulator";
import type { Emulator } from "../../src/index.js";
import { compareForms, type Difference } from "./differences.js";
import type { RecordedResponse } from "./recordings.js";
import { replay } from "./replay.js";
import { responseForm } from "./response-form.js";

const SPEC_PATH = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const COMMENT = "/repos/{owner}/{repo}/issues/comments/{comment_id}";

/** GitHub's example response bodies from its OpenAPI description, by example name. */
function examples(): Record<string, { value: unknown }> {
  const spec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as {
    components: { examples: Record<string, { value: unknown }> };
  };
  return spec.components.examples;
}

/**
 * The store's endpoints that @octokit/fixtures never recorded, their body shapes held to the
 * example responses of GitHub's OpenAPI description. An example's values are not the
 * emulator's state, so a null on either side matches any type.
 */
export async function compareWithDocumentedExamples(
  emulator: Emulator,
  app: { jwt: string; installationId: number },
): Promise<Difference[]> {
  const call = (method: string, path: string, body?: unknown) => replay(emulator, TOKENS.alice, method, path, body);
  const asApp = (method: string, path: string) => replayAsApp(emulator, app.jwt, method, path);
  await call("POST", `${REPO_PATH}/issues`, { title: "examples", body: "b" });
  const created = await call("POST", `${REPO_PATH}/issues/1/comments`, { body: "c" });
  const commentPath = `${REPO_PATH}/issues/comments/${(created.body as { id: number }).id}`;

  const cases: Array<[endpoint: string, example: string, response: RecordedResponse]> = [
    ["POST /repos/{owner}/{repo}/issues/{issue_number}/comments 201", "issue-comment", created],
    [`GET ${COMMENT} 200`, "issue-comment", await call("GET", commentPath)],
    [`PATCH ${COMMENT} 200`, "issue-comment", await call("PATCH", commentPath, { body: "edited" })],
    [
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments 200",
      "issue-comment-items",
      await call("GET", `${REPO_PATH}/issues/1/comments`),
    ],
    [
      "GET /repos/{owner}/{repo}/issues/comments 200",
      "issue-comment-items",
      await call("GET", `${REPO_PATH}/issues/comments`),
    ],
    ["GET /user 200", "private-user-response-with-public-and-private-profile-information", await call("GET", "/user")],
    ["GET /rate_limit 200", "rate-limit-overview", await call("GET", "/rate_limit")],
    ["GET /app 200", "integration", await asApp("GET", "/app")],
    [
      "POST /app/installations/{installation_id}/access_tokens 201",
      "installation-token",
      await asApp("POST", `/app/installations/${app.installationId}/access_tokens`),
    ],
  ];
  const documented = examples();
  return cases.flatMap(([endpoint, example, response]) => {
    const expected = documented[example]?.value;
    if (expected === undefined) throw new Error(`@octokit/openapi has no example ${example}`);
    const bodyOnly = (body: unknown) => responseForm({ status: 0, headers: {}, body }, "");
    return compareForms(`${endpoint} (example ${example})`, bodyOnly(expected), bodyOnly(response.body), {
      nullMatchesAny: true,
    });
  });
}

async function replayAsApp(emulator: Emulator, jwt: string, method: string, path: string): Promise<RecordedResponse> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { accept: "application/vnd.github.v3+json", authorization: `bearer ${jwt}` },
  });
  const text = await response.text();
  return { status: response.status, headers: {}, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}
