import type { IncomingMessage, ServerResponse } from "node:http";
import { ADMIN_PREFIX, type AdminDependencies, handleAdmin } from "./admin.js";
import type { AppRegistry } from "./apps.js";
import { authenticate, type EmulatorUser, type UserDirectory } from "./auth.js";
import { toHttpDate } from "./clock.js";
import { acceptsCompression, computeEtag, isNotModifiedSince, matchesIfNoneMatch } from "./etag.js";
import { GITHUB_COMMON_HEADERS, PRIVATE_CACHE_HEADERS } from "./github-headers.js";
import type { HandlerResult } from "./handlers/context.js";
import { HttpError, notFound } from "./http-error.js";
import {
  errorResponse,
  jsonResponse,
  newRequestId,
  type OutgoingResponse,
  parseJsonBody,
  readRequestText,
  writeResponse,
} from "./http-io.js";
import { type PrimaryRateLimiter, rateLimitHeaders } from "./rate-limit.js";
import type { Router } from "./router.js";
import { RATE_LIMIT_PATTERN } from "./routes.js";
import { type SecondaryRateLimiter, secondaryLimitError, WRITE_METHODS } from "./secondary-limit.js";
import type { TimerRegistry } from "./timers.js";

export interface ServerDependencies extends AdminDependencies {
  users: UserDirectory;
  router: Router;
  apps: AppRegistry;
  /** null: rate limiting turned off, as GitHub Enterprise Server allows. */
  primary: PrimaryRateLimiter | null;
  secondary: SecondaryRateLimiter;
  timers: TimerRegistry;
  commentCap: number;
}

const ENTERPRISE_PREFIX = "/api/v3";
const RATE_LIMIT_DOCS_URL = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";

interface ApiOutcome {
  outgoing: OutgoingResponse;
  /** Route template for stats; "unmatched" when no route matched. */
  route: string;
}

interface RequestInfo {
  requestId: string;
  method: string;
  path: string;
  query: URLSearchParams;
  text: string;
  urls: { api: string; web: string };
  request: IncomingMessage;
}

export function createRequestListener(deps: ServerDependencies) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    void serve(deps, request, response).catch((error: unknown) => {
      writeResponse(response, jsonResponse(500, { message: `Emulator error: ${(error as Error).message}` }));
    });
  };
}

async function serve(deps: ServerDependencies, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  const url = new URL(request.url ?? "/", "http://emulator");
  const prefix =
    url.pathname === ENTERPRISE_PREFIX || url.pathname.startsWith(`${ENTERPRISE_PREFIX}/`) ? ENTERPRISE_PREFIX : "";
  const path = url.pathname.slice(prefix.length) || "/";
  const origin = `http://${request.headers.host ?? "127.0.0.1"}`;
  const method = (request.method ?? "GET").toUpperCase();
  const info: RequestInfo = {
    requestId,
    method,
    path,
    query: url.searchParams,
    text: "",
    urls: { api: origin + prefix, web: origin },
    request,
  };

  if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) {
    const outgoing = await answerErrors(async () => {
      const body = parseJsonBody(await readRequestText(request));
      return handleAdmin(deps, method, path, request.headers.authorization, body);
    });
    writeResponse(response, withStandardHeaders(deps, outgoing, requestId));
    return;
  }
  let outcome: ApiOutcome;
  try {
    info.text = await readRequestText(request);
    const appRoute = deps.apps.routeOf(path);
    outcome = appRoute
      ? { outgoing: deps.apps.answer(method, path, request.headers.authorization, info.urls), route: appRoute }
      : await serveApi(deps, info);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    outcome = { outgoing: errorResponse(error), route: "unmatched" };
  }
  deps.stats.record(method, outcome.route, outcome.outgoing.status);
  const hangMs = deps.faults.drawHangMs();
  if (hangMs > 0) {
    deps.stats.count("hangs");
    await deps.timers.delay(hangMs);
  }
  writeResponse(response, withStandardHeaders(deps, outcome.outgoing, requestId, GITHUB_COMMON_HEADERS));
}

async function serveApi(deps: ServerDependencies, info: RequestInfo): Promise<ApiOutcome> {
  const { method, requestId } = info;
  await deps.timers.delay(deps.faults.drawLatencyMs());
  const serverError = deps.faults.drawServerError();
  if (serverError) {
    deps.stats.count("serverErrors");
    return { outgoing: serverErrorResponse(serverError), route: "fault" };
  }

  const { user, token } = authenticate(deps.users, info.request.headers.authorization, deps.clock.now());
  const primary = deps.primary;
  const path = resolveRepositoryAlias(deps, info.path);
  const match = deps.router.match(method, path);
  const route = match?.route.pattern ?? "unmatched";
  const counted = route !== RATE_LIMIT_PATTERN;
  const respond = (outgoing: OutgoingResponse, consume = counted): ApiOutcome => {
    if (!primary) return { outgoing, route };
    if (consume) primary.consume(user.login);
    // Headers a refusal set itself (a secondary limit's x-ratelimit-reset) win.
    Object.assign(outgoing.headers, { ...rateLimitHeaders(primary.status(user.login)), ...outgoing.headers });
    return { outgoing, route };
  };

  if (counted && primary?.isExhausted(user.login)) {
    deps.stats.count("primaryLimited");
    return respond(errorResponse(primaryLimitError(user, requestId, deps.clock.now())), false);
  }
  try {
    if (!match) throw notFound();
    const isWrite = WRITE_METHODS.has(method);
    if (isWrite) checkSecondaryLimits(deps, user, requestId);
    const result = match.route.handler({
      path,
      params: match.params,
      query: info.query,
      body: parseJsonBody(info.text),
      user,
      state: deps.state,
      users: deps.users,
      render: { urls: info.urls, users: deps.users, viewer: user },
      commentCap: deps.commentCap,
      pageChurn: deps.faults.pageChurn(),
      rateLimit: primary?.status(user.login) ?? null,
    });
    if (isWrite) {
      deps.secondary.record(user.login);
      if (deps.faults.drawErrorAfterWrite()) {
        deps.stats.count("errorsAfterWrite");
        return respond(serverErrorResponse(502));
      }
    }
    const outgoing = resultResponse(result, token, info.request);
    if (method === "GET" && result.status === 200) return conditionalResponse(deps, info, result, outgoing, respond);
    return respond(outgoing);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return respond(errorResponse(error));
  }
}

async function answerErrors(produce: () => Promise<OutgoingResponse>): Promise<OutgoingResponse> {
  try {
    return await produce();
  } catch (error) {
    if (error instanceof HttpError) return errorResponse(error);
    throw error;
  }
}

function checkSecondaryLimits(deps: ServerDependencies, user: EmulatorUser, requestId: string): void {
  const retryAfter = Math.max(deps.faults.stormRetryAfterSeconds(), deps.secondary.retryAfterSeconds(user.login));
  if (retryAfter > 0) {
    deps.stats.count("secondaryLimited");
    const { shape, status } = deps.faults.secondaryShape();
    throw secondaryLimitError({
      status: status ?? deps.secondary.status,
      shape,
      retryAfterSeconds: retryAfter,
      requestId,
      nowMs: deps.clock.now(),
    });
  }
}

/** A 304 answers a matching If-None-Match (or If-Modified-Since) and costs no rate limit. */
function conditionalResponse(
  deps: ServerDependencies,
  info: RequestInfo,
  result: HandlerResult,
  outgoing: OutgoingResponse,
  respond: (outgoing: OutgoingResponse, consume?: boolean) => ApiOutcome,
): ApiOutcome {
  const etag = outgoing.headers.etag ?? "";
  const lastModifiedMs = result.lastModified ? Date.parse(result.lastModified) : undefined;
  if (lastModifiedMs !== undefined) outgoing.headers["last-modified"] = toHttpDate(lastModifiedMs);
  const headers = info.request.headers;
  const notModified = headers["if-none-match"]
    ? matchesIfNoneMatch(headers["if-none-match"], etag)
    : isNotModifiedSince(headers["if-modified-since"], lastModifiedMs);
  if (!notModified) return respond(outgoing);
  deps.stats.count("notModified");
  return respond({ status: 304, headers: outgoing.headers, body: "" }, false);
}

/** A handler's answer with GitHub's headers for a 2xx: etag and cache-control on bodies, location on creations. */
function resultResponse(result: HandlerResult, token: string, request: IncomingMessage): OutgoingResponse {
  const outgoing = jsonResponse(result.status, result.body);
  if (result.link) outgoing.headers.link = result.link;
  if (outgoing.body === "") return outgoing;
  outgoing.headers.etag = computeEtag(outgoing.body, token, acceptsCompression(request.headers["accept-encoding"]));
  Object.assign(outgoing.headers, PRIVATE_CACHE_HEADERS);
  const url = (result.body as { url?: unknown }).url;
  if (result.status === 201 && typeof url === "string") outgoing.headers.location = url;
  return outgoing;
}

/** GitHub's pagination links use /repositories/{id}/…; serve them as /repos/{owner}/{repo}/…. */
function resolveRepositoryAlias(deps: ServerDependencies, path: string): string {
  const alias = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
  if (!alias) return path;
  const repo = deps.state.repoById(Number(alias[1]));
  if (!repo) throw notFound();
  return `/repos/${repo.record.owner}/${repo.record.name}${alias[2] ?? ""}`;
}

function primaryLimitError(user: EmulatorUser, requestId: string, now: number): HttpError {
  return new HttpError(
    403,
    `API rate limit exceeded for user ID ${user.id}. If you reach out to GitHub Support for help, please include the request ID ${requestId} and timestamp ${new Date(now).toISOString()}.`,
    { documentationUrl: RATE_LIMIT_DOCS_URL },
  );
}

function serverErrorResponse(status: 502 | 503): OutgoingResponse {
  const message = status === 502 ? "Server Error" : "Service Unavailable";
  return jsonResponse(status, { message, documentation_url: "https://docs.github.com/rest", status: String(status) });
}

function withStandardHeaders(
  deps: ServerDependencies,
  outgoing: OutgoingResponse,
  requestId: string,
  common: Readonly<Record<string, string>> = {},
): OutgoingResponse {
  return {
    ...outgoing,
    headers: {
      ...common,
      date: toHttpDate(deps.clock.now()),
      "x-github-request-id": requestId,
      "x-github-media-type": "github.v3; format=json",
      "x-github-api-version-selected": "2022-11-28",
      ...outgoing.headers,
    },
  };
}
