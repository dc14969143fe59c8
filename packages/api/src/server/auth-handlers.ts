import { z } from "zod";
import type { ControlPlane } from "./control-plane.js";

const loginBody = z.object({ token: z.string().min(1).max(500) });

/**
 * POST {"token": "..."} → 204 with the session cookie, 401 for a wrong token, 400 for a
 * malformed body. The token is never echoed or logged.
 */
export async function handleLogin(request: Request, controlPlane: ControlPlane): Promise<Response> {
  if (request.method !== "POST") return Response.json({ error: "method not allowed" }, { status: 405 });
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: 'invalid body: expected JSON {"token": string}', field: "body" }, { status: 400 });
  }
  const parsed = loginBody.safeParse(body);
  if (!parsed.success)
    return Response.json({ error: "invalid token: expected a non-empty string", field: "token" }, { status: 400 });
  const result = controlPlane.auth.login(parsed.data.token);
  if (!result.ok) return Response.json({ error: "unknown operator token" }, { status: 401 });
  return new Response(null, { status: 204, headers: { "set-cookie": result.setCookie, "cache-control": "no-store" } });
}

export async function handleLogout(_request: Request, controlPlane: ControlPlane): Promise<Response> {
  return new Response(null, {
    status: 204,
    headers: { "set-cookie": controlPlane.auth.logout().setCookie, "cache-control": "no-store" },
  });
}
