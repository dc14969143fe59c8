import { defineConfig } from "drizzle-kit";

/** The Postgres coordination store. Generate with `drizzle-kit generate --config drizzle.postgres.config.ts` (never `push`). */
export default defineConfig({
  dialect: "postgresql",
  schema: "./packages/coordination/src/store/postgres/schema.ts",
  out: "./drizzle/postgres",
});
