import { z } from "zod";
import { clientOf } from "../auth/login-limiter.js";
import { BodyTooLargeError, readBoundedText } from "./bounded-body.js";
import type { ControlPlane } from "./control-plane.js";
import { crossOriginProblem, crossOriginRefusal } from "./same-origin.js";

const loginBody = z.object({ token: z.string().min(1).max(500) });
/** `{"token": …}` with a 500-character token fits many times over. */
const MAX_LOGIN_BODY_BYTES = 4096;
const NO_STORE = { "cache-control": "no-store" };

async function backOffRefusal(client: string, controlPlane: ControlPlane, everyone: boolean): Promise<Response | null> {
  const waitMs = await controlPlane.loginLimiter.retryAfterMs(client, everyone);
  if (waitMs === null) return null;
  controlPlane.refusals.count("login_rate_limited");
  const seconds = Math.ceil(waitMs / 1000);
  return Response.json(
    { error: `too many failed logins: try again in ${seconds} s` },
    { status: 429, headers: { "retry-after": String(seconds), ...NO_STORE } },
  );
}

/**
 * A bearer token is a login too: the same attempt limit applies, so the API is no way
 * around it. Returns the 429 to send while the client backs off, else null (a wrong token
 * is then refused by the procedure itself).
 */
export async function checkBearerAttempt(request: Request, controlPlane: ControlPlane): Promise<Response | null> {
  const authorization = request.headers.get("authorization");
  if (authorization === null) return null;
  const client = clientOf(request);
  const backingOff = await backOffRefusal(client, controlPlane, false);
  if (backingOff) return backingOff;
  if (controlPlane.auth.operatorFromBearer(authorization) !== null) await controlPlane.loginLimiter.succeeded(client);
  else {
    await controlPlane.loginLimiter.failed(client);
    controlPlane.refusals.count("login_failed");
  }
  return null;
}

/**
 * POST {"token": "..."} → 204 with the session cookie; 401 for a wrong token, 429 (with
 * Retry-After) while the client is backing off, 403 cross-site, 400 for a malformed body.
 * The token is never echoed or logged.
 */
export async function handleLogin(request: Request, controlPlane: ControlPlane): Promise<Response> {
  if (request.method !== "POST") return Response.json({ error: "method not allowed" }, { status: 405 });
  const cross = crossOriginProblem(request, controlPlane.allowedOrigins);
  if (cross) {
    controlPlane.refusals.count("cross_origin");
    return crossOriginRefusal(cross);
  }
  const client = clientOf(request);
  const backingOff = await backOffRefusal(client, controlPlane, true);
  if (backingOff) return backingOff;
  let body: unknown;
  try {
    body = JSON.parse(await readBoundedText(request, MAX_LOGIN_BODY_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) controlPlane.refusals.count("body_too_large");
    return Response.json({ error: 'invalid body: expected JSON {"token": string}', field: "body" }, { status: 400 });
  }
  const parsed = loginBody.safeParse(body);
  if (!parsed.success)
    return Response.json({ error: "invalid token: expected a non-empty string", field: "token" }, { status: 400 });
  const result = controlPlane.auth.login(parsed.data.token);
  if (!result.ok) {
    await controlPlane.loginLimiter.failed(client);
    controlPlane.refusals.count("login_failed");
    return Response.json({ error: "unknown operator token" }, { status: 401 });
  }
  await controlPlane.loginLimiter.succeeded(client);
  return new Response(null, { status: 204, headers: { "set-cookie": result.setCookie, ...NO_STORE } });
}

/** Revokes the session server-side (a copied cookie stops working too) and clears the cookie. */
export async function handleLogout(request: Request, controlPlane: ControlPlane): Promise<Response> {
  if (request.method !== "POST") return Response.json({ error: "method not allowed" }, { status: 405 });
  const cross = crossOriginProblem(request, controlPlane.allowedOrigins);
  if (cross) {
    controlPlane.refusals.count("cross_origin");
    return crossOriginRefusal(cross);
  }
  const { setCookie } = controlPlane.auth.logout(request.headers.get("cookie"));
  return new Response(null, { status: 204, headers: { "set-cookie": setCookie, ...NO_STORE } });
}
