import type { NextConfig } from "next";

const config: NextConfig = {
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
