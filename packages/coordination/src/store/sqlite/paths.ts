import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { processEnv } from "../../env.js";

/** The directory holding pnpm-workspace.yaml, found by walking up from `start`; null outside the repo. */
export function findWorkspaceRoot(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * Where the worker, CLI and control plane keep shared data: `SENTINEL_DATA_DIR`, else
 * `<repo>/data` (so processes started from any package folder meet in one file), else
 * `./data`. The directory is created.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = processEnv(), cwd = process.cwd()): string {
  const configured = env.SENTINEL_DATA_DIR?.trim();
  const dir = configured ? resolve(cwd, configured) : join(findWorkspaceRoot(cwd) ?? cwd, "data");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The embedded store's default file, `<data dir>/sentinel.db`. */
export function defaultSqlitePath(env: NodeJS.ProcessEnv = processEnv(), cwd = process.cwd()): string {
  return join(defaultDataDir(env, cwd), "sentinel.db");
}
