import { Octokit } from "@octokit/rest";
import { afterEach } from "vitest";
import { type Emulator, type EmulatorOptions, startEmulator } from "../src/index.js";

export const OWNER = "acme";
export const REPO = "tasks";
export const TOKENS = {
  acme: "acme-token",
  alice: "alice-token",
  bob: "bob-token",
  stranger: "stranger-token",
} as const;

const running = new Set<Emulator>();

afterEach(async () => {
  await Promise.all([...running].map((emulator) => emulator.close()));
  running.clear();
});

/** acme owns acme/tasks, alice and bob are collaborators, stranger is any other GitHub user. */
export async function startTestEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  const emulator = await startEmulator({
    users: [
      { login: "acme", token: TOKENS.acme },
      { login: "alice", token: TOKENS.alice },
      { login: "bob", token: TOKENS.bob, collaborator: true },
      { login: "stranger", token: TOKENS.stranger, collaborator: false },
    ],
    repos: [`${OWNER}/${REPO}`],
    adminToken: "admin-secret",
    ...overrides,
  });
  running.add(emulator);
  return emulator;
}

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

export const repoPath = `/repos/${OWNER}/${REPO}`;

export async function createIssue(
  emulator: Emulator,
  title = "task",
  extra: Record<string, unknown> = {},
): Promise<number> {
  const { data } = await octokitFor(emulator).rest.issues.create({ owner: OWNER, repo: REPO, title, ...extra });
  return data.number;
}

/** Polls until `check` holds, failing after the deadline; for eventually-consistent reads. */
export async function eventually<T>(
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  deadlineMs = 5000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (check(value)) return value;
    if (Date.now() - start > deadlineMs)
      throw new Error(`condition not met within ${deadlineMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
