import { type NextRequest, NextResponse } from "next/server";
import { contentSecurityPolicy } from "~/server/content-security-policy";

/**
 * Every page gets a fresh script nonce (128 random bits). Next reads the policy from the
 * request headers and puts the nonce on the scripts it renders; the root layout reads it,
 * which renders every page per request (a nonce must never repeat).
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = contentSecurityPolicy({ nonce });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Pages only: API answers, health, metrics and static files keep next.config's baseline.
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|health|metrics|cluster/health|icon.svg).*)",
      missing: [{ type: "header", key: "next-router-prefetch" }],
    },
  ],
};
