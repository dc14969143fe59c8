import { defineConfig } from "drizzle-kit";

/** The embedded coordination store. Generate with `drizzle-kit generate --config drizzle.store.config.ts` (never `push`). */
export default defineConfig({
  dialect: "sqlite",
  schema: "./packages/coordination/src/store/sqlite/schema.ts",
  out: "./drizzle/store",
});
