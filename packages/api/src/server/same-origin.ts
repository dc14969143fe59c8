/**
 * Why a state-changing request must be refused as cross-site, or null when it may proceed.
 * Browsers send `Sec-Fetch-Site` and `Origin` on every POST; both must say "this origin".
 * `same-site` is refused too: a page on another port of the same host is another origin.
 * Requests with neither header are not from a browser page and carry no ambient cookie risk.
 */
export function crossOriginProblem(request: Request, allowedOrigins: readonly string[]): string | null {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return `Sec-Fetch-Site is ${site}`;
  const origin = request.headers.get("origin");
  if (origin === null) return null;
  if (allowedOrigins.includes(origin)) return null;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `Origin ${origin.slice(0, 100)} is not a URL`;
  }
  return host !== null && originHost === host ? null : `Origin ${origin.slice(0, 100)} is not this site`;
}

export function crossOriginRefusal(problem: string): Response {
  return Response.json(
    { error: `cross-origin request refused (${problem}); set SENTINEL_ALLOWED_ORIGINS for another dashboard origin` },
    { status: 403, headers: { "cache-control": "no-store" } },
  );
}
