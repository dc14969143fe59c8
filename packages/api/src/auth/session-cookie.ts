export const SESSION_COOKIE = "sentinel_session";

export interface Session {
  operator: string;
  /** ms since the epoch (server clock: sessions are about this server, not the store). */
  expiresAt: number;
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
