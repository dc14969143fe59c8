/**
 * Headers GitHub sends beside the API's own, as recorded from api.github.com in
 * @octokit/fixtures (see docs/emulator-fidelity.md). No client here reads them; they are
 * sent so that a response looks like GitHub's to anything that does (a browser, a cache).
 */
export const GITHUB_COMMON_HEADERS: Readonly<Record<string, string>> = {
  vary: "Accept-Encoding, Accept, X-Requested-With",
  "access-control-allow-origin": "*",
  "access-control-expose-headers":
    "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset",
  "strict-transport-security": "max-age=31536000; includeSubdomains; preload",
  "x-frame-options": "deny",
  "x-content-type-options": "nosniff",
  "x-xss-protection": "0",
  "referrer-policy": "origin-when-cross-origin, strict-origin-when-cross-origin",
  "content-security-policy": "default-src 'none'",
};

/**
 * GitHub's caching headers on an authenticated 2xx response with a body (errors and 204s
 * carry neither): a private cache policy, and a second vary header, which a client sees
 * joined to the common one.
 */
export const PRIVATE_CACHE_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "private, max-age=60, s-maxage=60",
  vary: `Accept, Authorization, Cookie, X-GitHub-OTP, ${GITHUB_COMMON_HEADERS.vary}`,
};
