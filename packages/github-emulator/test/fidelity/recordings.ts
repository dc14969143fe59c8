import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * Requests and responses recorded from api.github.com by @octokit/fixtures. The raw
 * recordings are used, not the normalized ones: normalizing rewrites etag, request id and
 * rate-limit values to constants, which would hide the forms compared here.
 */
const SCENARIOS_DIR = join(
  dirname(createRequire(import.meta.url).resolve("@octokit/fixtures/package.json")),
  "scenarios",
  "api.github.com",
);

export interface RecordedResponse {
  status: number;
  /** Lower-case names; a header sent twice is joined with ", " as fetch does. */
  headers: Record<string, string>;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

export interface Recording {
  scenario: string;
  method: string;
  /** Path and query as recorded (owner, repository and ids are the recording's). */
  path: string;
  requestBody: unknown;
  response: RecordedResponse;
}

interface RawFixture {
  method: string;
  path: string;
  body?: unknown;
  status: number;
  response: unknown;
  rawHeaders: string[];
}

/** The `index`-th recorded exchange (0-based) of a scenario whose method and path match. */
export function recording(scenario: string, method: string, path: RegExp, index = 0): Recording {
  const raw = JSON.parse(readFileSync(join(SCENARIOS_DIR, scenario, "raw-fixture.json"), "utf8")) as RawFixture[];
  const matches = raw.filter((fixture) => fixture.method.toUpperCase() === method && path.test(fixture.path));
  const fixture = matches[index];
  if (!fixture) throw new Error(`@octokit/fixtures ${scenario} has no ${method} ${path} #${index}`);
  return {
    scenario,
    method,
    path: fixture.path,
    requestBody: fixture.body === "" ? undefined : fixture.body,
    response: { status: fixture.status, headers: headerObject(fixture.rawHeaders), body: parsedBody(fixture.response) },
  };
}

function headerObject(rawHeaders: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] ?? "").toLowerCase();
    const value = rawHeaders[index + 1] ?? "";
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

function parsedBody(response: unknown): unknown {
  if (response === "" || response === undefined) return undefined;
  return typeof response === "string" ? (JSON.parse(response) as unknown) : response;
}
