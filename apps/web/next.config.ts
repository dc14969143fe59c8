import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

/**
 * The container image's build (deploy/build-image.ts) sets SENTINEL_WEB_STANDALONE_DIR: a
 * self-contained server with only the files it needs (output "standalone", traced from the
 * repository root so the workspace packages are found), built in its own directory so it
 * never replaces the build `pnpm start` serves.
 */
const standaloneDir = process.env.SENTINEL_WEB_STANDALONE_DIR;

/**
 * Sent with every page and every API answer (docs/security.md). Scripts: Next's pages carry
 * their data in inline scripts, so 'unsafe-inline' stays until pages get per-request nonces;
 * everything else is this origin only, and no other site may frame the dashboard.
 * `next dev` also needs eval for fast refresh.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${process.env.NODE_ENV === "production" ? "" : " 'unsafe-eval'"}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

const config: NextConfig = {
  ...(standaloneDir
    ? {
        output: "standalone",
        distDir: standaloneDir,
        outputFileTracingRoot: resolve(dirname(fileURLToPath(import.meta.url)), "../.."),
      }
    : {}),
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
  // Workspace packages are consumed as TypeScript source.
  transpilePackages: ["@sentinel/api", "@sentinel/coordination"],
  // Native module: loaded by Node at run time, never bundled.
  serverExternalPackages: ["better-sqlite3"],
  reactStrictMode: true,
  poweredByHeader: false,
  /**
   * The packages are ESM TypeScript with `.js` import suffixes (what Node and tsc expect).
   * Webpack maps those to the `.ts` sources; Turbopack in this Next version has no
   * equivalent (vercel/next.js#82945), so the scripts build with `--webpack`.
   */
  webpack(webpackConfig: { resolve: { extensionAlias?: Record<string, string[]> } }) {
    webpackConfig.resolve.extensionAlias = { ".js": [".ts", ".tsx", ".js"], ".mjs": [".mts", ".mjs"] };
    return webpackConfig;
  },
};

export default config;
