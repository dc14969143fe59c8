import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";
import { contentSecurityPolicy } from "./src/server/content-security-policy";

/**
 * The container image's build (deploy/build-image.ts) sets SENTINEL_WEB_STANDALONE_DIR: a
 * self-contained server with only the files it needs (output "standalone", traced from the
 * repository root so the workspace packages are found), built in its own directory so it
 * never replaces the build `pnpm start` serves.
 */
const standaloneDir = process.env.SENTINEL_WEB_STANDALONE_DIR;

/**
 * Sent with every page and every API answer (docs/security.md). The Content-Security-Policy
 * here is the baseline for what is not a page; pages get a per-request nonce policy from
 * src/proxy.ts, which replaces it.
 */
const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy("baseline") },
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
