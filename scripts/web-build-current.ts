import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Inputs of the dashboard's production build: any newer file means a build is stale. */
const BUILD_INPUTS = [
  "apps/web/src",
  "apps/web/next.config.ts",
  "apps/web/package.json",
  "packages/api/src",
  "packages/coordination/src",
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** Whether the Next build whose BUILD_ID file is `buildId` is newer than every input under `root`. */
export function webBuildIsCurrent(root: string, buildId: string): boolean {
  if (!existsSync(buildId)) return false;
  const builtAt = statSync(buildId).mtimeMs;
  return BUILD_INPUTS.every((input) => newestMtime(join(root, input)) <= builtAt);
}
