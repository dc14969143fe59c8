import { defineConfig } from "drizzle-kit";

/** The control plane's cache DB (packages/api). Generate with `drizzle-kit generate --config drizzle.cache.config.ts`. */
export default defineConfig({
  dialect: "sqlite",
  schema: "./packages/api/src/cache/schema.ts",
  out: "./drizzle/cache",
});
