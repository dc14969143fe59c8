import { createHmac, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "sentinel_session";

export interface Session {
  operator: string;
  /** ms since the epoch (server clock: sessions are about this server, not the store). */
  expiresAt: number;
}

function signature(secret: Buffer, payload: string): string {
  return createHmac("sha256", secret).update(payload).digest("base64url");
}

/** `<base64url(json)>.<base64url(hmac-sha256)>` */
export function signSession(secret: Buffer, session: Session): string {
  const payload = Buffer.from(JSON.stringify({ o: session.operator, e: session.expiresAt })).toString("base64url");
  return `${payload}.${signature(secret, payload)}`;
}

export function verifySession(secret: Buffer, value: string, now: number): Session | null {
  const dot = value.indexOf(".");
  if (dot <= 0) return null;
  const payload = value.slice(0, dot);
  const presented = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signature(secret, payload));
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { o?: unknown; e?: unknown };
    if (typeof parsed.o !== "string" || typeof parsed.e !== "number" || parsed.e <= now) return null;
    return { operator: parsed.o, expiresAt: parsed.e };
  } catch {
    return null;
  }
}

/** The cookie's value from a Cookie header, if present. */
export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
