import { generateKeyPairSync } from "node:crypto";
import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/rest";
import { closeEmulatorsAfterEach, OWNER, REPO, startTestEmulator, TOKENS } from "@sentinel/test-support/emulator";
import type { Emulator } from "../src/index.js";

export { OWNER, REPO, startTestEmulator, TOKENS } from "@sentinel/test-support/emulator";

closeEmulatorsAfterEach();

export function octokitFor(emulator: Emulator, token: string = TOKENS.alice): Octokit {
  return new Octokit({ auth: token, baseUrl: emulator.url, request: { retries: 0 } });
}

export interface ApiCallOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** Raw HTTP, for checks on headers and bodies that Octokit hides or rejects. */
export async function api(
  emulator: Emulator,
  method: string,
  path: string,
  options: ApiCallOptions = {},
): Promise<ApiResponse> {
  const token = options.token === undefined ? TOKENS.alice : options.token;
  const headers: Record<string, string> = { accept: "application/vnd.github+json", ...options.headers };
  if (token !== null) headers.authorization = `token ${token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  const response = await fetch(`${emulator.url}${path}`, { method, headers, body, signal: options.signal });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

export function adminCall(emulator: Emulator, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  return api(emulator, method, `/_emulator${path}`, { token: emulator.adminToken, body });
}

/** The `{ owner, repo }` pair of the test repository, for Octokit calls. */
export const ownerRepo = { owner: OWNER, repo: REPO };

export const repoPath = `/repos/${OWNER}/${REPO}`;

export async function createIssue(
  emulator: Emulator,
  title = "task",
  extra: Record<string, unknown> = {},
): Promise<number> {
  const { data } = await octokitFor(emulator).rest.issues.create({ ...ownerRepo, title, ...extra });
  return data.number;
}

/** The GitHub App of the app-route tests: its one installation, and a JWT signed with its key. */
export const TEST_APP_INSTALLATION = 77;

/** An emulator that knows one GitHub App, and a JWT (`Authorization: bearer …`) for that app. */
export async function startAppEmulator(): Promise<{ emulator: Emulator; jwt: string }> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const appId = 4242;
  const emulator = await startTestEmulator({
    apps: [{ id: appId, slug: "sentinel-app", publicKey, installations: [TEST_APP_INSTALLATION] }],
  });
  const { token: jwt } = await createAppAuth({ appId, privateKey })({ type: "app" });
  return { emulator, jwt };
}
