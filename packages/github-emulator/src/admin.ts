import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { readToken } from "./auth.js";
import type { EmulatorClock } from "./clock.js";
import { type FaultController, faultPatchSchema } from "./faults.js";
import { HttpError, notFound } from "./http-error.js";
import { jsonResponse, type OutgoingResponse } from "./http-io.js";
import type { EmulatorState } from "./state/emulator-state.js";
import type { StatsRecorder } from "./stats.js";

export const ADMIN_PREFIX = "/_emulator";

export interface AdminDependencies {
  adminToken: string;
  faults: FaultController;
  stats: StatsRecorder;
  clock: EmulatorClock;
  state: EmulatorState;
}

const clockPatchSchema = z.strictObject({ offsetMs: z.number() });

/**
 * The emulator's own control API, for tests and demos:
 * GET/POST /_emulator/faults, GET/DELETE /_emulator/stats, GET/POST /_emulator/clock,
 * DELETE /_emulator/repos/{owner}/{repo}/issues/{n} (GitHub deletes issues only via UI/GraphQL).
 */
export function handleAdmin(
  deps: AdminDependencies,
  method: string,
  path: string,
  authorization: string | undefined,
  body: unknown,
): OutgoingResponse {
  if (!isAdmin(deps.adminToken, authorization)) throw new HttpError(401, "Bad credentials");
  const route = `${method} ${path.slice(ADMIN_PREFIX.length)}`;
  if (route === "GET /faults") return jsonResponse(200, deps.faults.snapshot());
  if (route === "POST /faults") return jsonResponse(200, deps.faults.update(parseAdminBody(faultPatchSchema, body)));
  if (route === "GET /stats") return jsonResponse(200, deps.stats.snapshot());
  if (route === "DELETE /stats") {
    deps.stats.reset();
    return jsonResponse(204, undefined);
  }
  if (route === "GET /clock") return jsonResponse(200, clockBody(deps.clock));
  if (route === "POST /clock") {
    deps.clock.setOffset(parseAdminBody(clockPatchSchema, body).offsetMs);
    return jsonResponse(200, clockBody(deps.clock));
  }
  const deletion = /^DELETE \/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/.exec(route);
  if (deletion) {
    const [, owner = "", name = "", issueNumber = ""] = deletion;
    const repo = deps.state.repo(owner, name);
    const issue = repo?.latestIssue(Number(issueNumber));
    if (!repo || !issue || issue.deleted) throw notFound();
    repo.deleteIssue(issue.number);
    return jsonResponse(204, undefined);
  }
  throw notFound();
}

function clockBody(clock: EmulatorClock) {
  return { now: new Date(clock.now()).toISOString(), offsetMs: clock.offsetMs() };
}

function parseAdminBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") || "(body)";
  throw new HttpError(400, `Invalid admin request: ${field}: ${issue?.message ?? "invalid"}`);
}

function isAdmin(adminToken: string, authorization: string | undefined): boolean {
  const token = readToken(authorization);
  if (token === undefined) return false;
  const [given, expected] = [Buffer.from(token), Buffer.from(adminToken)];
  return given.length === expected.length && timingSafeEqual(given, expected);
}
