import { z } from "zod";
import { ConfigError } from "./errors.js";

/**
 * The process environment, read here and nowhere else in this package. Every other module
 * takes an `env` record (a test or an embedder hands its own; the default is this one) and
 * validates the variables it owns with zod, naming the variable and what was expected: the
 * worker's config (config/env-vars.ts), the store selection (store/open-store.ts), the
 * GitHub store's options and credentials (store/github/options.ts, http/credentials.ts).
 */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}

const versionSchema = z.string().trim().min(1).max(64);

/** The version a worker reports in its registration: `npm_package_version` (set by pnpm/npm scripts), else 0.0.0. */
export function packageVersion(env: NodeJS.ProcessEnv = processEnv()): string {
  const raw = env.npm_package_version;
  if (raw === undefined || raw === "") return "0.0.0";
  const parsed = versionSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError("npm_package_version", "a version of 1 to 64 characters", "environment");
  return parsed.data;
}
