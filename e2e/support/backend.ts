import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "@playwright/test";

export type Backend = "sqlite" | "github" | "postgres";

/** What playwright.config.ts puts in each project's metadata: the stack that project runs against. */
export interface StackMetadata {
  backend: Backend;
  /** The stack's data directory (SQLite store file, control-plane cache, emulator state). */
  dataDir: string;
  /** GitHub only: the emulator's URL, repository and the variables every process of that stack shares. */
  github?: { apiUrl: string; owner: string; repo: string; env: Record<string, string> };
}

/** The stack of the project the running test belongs to. */
export function currentStack(): StackMetadata {
  return test.info().project.metadata as StackMetadata;
}

export function currentBaseUrl(): string {
  const url = test.info().project.use.baseURL;
  if (!url) throw new Error("the project has no baseURL: run the suite through playwright.config.ts");
  return url;
}

/**
 * The variables a worker process needs to join the current stack's store: the data directory
 * for SQLite; for Postgres the database URL the stack wrote there (support/postgres-stack.ts); for GitHub the repository, the emulator URL, and the bot token and HMAC secret
 * that `scripts/demo-github.ts` keeps in the data directory.
 */
export function storeEnv(): Record<string, string> {
  const stack = currentStack();
  if (stack.backend === "postgres") {
    return {
      SENTINEL_DATA_DIR: stack.dataDir,
      SENTINEL_STORE: "postgres",
      SENTINEL_POSTGRES_URL: readFileSync(join(stack.dataDir, "postgres-url"), "utf8").trim(),
    };
  }
  if (stack.backend === "sqlite" || !stack.github) return { SENTINEL_DATA_DIR: stack.dataDir };
  const secrets = JSON.parse(readFileSync(join(stack.dataDir, "github-demo-secrets.json"), "utf8")) as {
    botToken: string;
    hmacSecret: string;
  };
  return {
    ...stack.github.env,
    SENTINEL_DATA_DIR: stack.dataDir,
    SENTINEL_STORE: "github",
    GITHUB_API_URL: stack.github.apiUrl,
    GITHUB_OWNER: stack.github.owner,
    GITHUB_REPO: stack.github.repo,
    GITHUB_TOKEN: secrets.botToken,
    SENTINEL_HMAC_SECRET: secrets.hmacSecret,
  };
}
