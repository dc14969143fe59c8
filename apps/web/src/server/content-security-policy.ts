/**
 * The dashboard's Content-Security-Policy (docs/security.md). Everything is this origin only
 * and no other site may frame the dashboard; scripts differ by what is served:
 * - pages get a fresh nonce per request from the proxy (src/proxy.ts): only scripts carrying
 *   it run, and the scripts those load ('strict-dynamic' — Next's chunks are loaded that way);
 * - every other answer (API, static files) keeps a nonce-less baseline, which runs no inline
 *   script of ours anyway.
 * Styles keep 'unsafe-inline': React writes style attributes, which nonces do not cover.
 * `next dev` also needs eval for fast refresh.
 */
export function contentSecurityPolicy(scripts: { nonce: string } | "baseline"): string {
  const dev = process.env.NODE_ENV === "production" ? "" : " 'unsafe-eval'";
  const scriptSrc =
    scripts === "baseline" ? "'self' 'unsafe-inline'" : `'self' 'nonce-${scripts.nonce}' 'strict-dynamic'`;
  return [
    "default-src 'self'",
    `script-src ${scriptSrc}${dev}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
