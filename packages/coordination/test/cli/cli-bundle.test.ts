import { execFile } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { withTempDir } from "@sentinel/test-support";
import { REPO_ROOT } from "@sentinel/test-support/processes";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const LAUNCHER = join(REPO_ROOT, "packages/coordination/bin/sentinel.mjs");
const DIST = join(REPO_ROOT, "packages/coordination/dist/cli");

interface Stamp {
  builtFrom: number;
  inputs: string[];
}
const readStamp = (): Stamp => JSON.parse(readFileSync(join(DIST, "stamp.json"), "utf8")) as Stamp;

async function workers(dbPath: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, [LAUNCHER, "--db", dbPath, "--json", "workers"], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
  });
  return JSON.parse(stdout);
}

describe("the CLI launcher runs a bundle that is never stale", () => {
  it("reuses a current bundle, and rebuilds one older than any file it was built from", async () => {
    await withTempDir("cli-bundle", async (dir) => {
      const dbPath = join(dir, "store.db");
      expect(await workers(dbPath)).toEqual([]);
      const current = readStamp();
      expect(current.inputs).toContain("src/cli/main.ts");
      expect(current.inputs).toContain("src/store/sqlite/claims.ts");

      // Current: the next start runs the same bundle without building.
      const bundleMtime = statSync(join(DIST, "sentinel.mjs")).mtimeMs;
      expect(await workers(dbPath)).toEqual([]);
      expect(readStamp().builtFrom).toBe(current.builtFrom);
      expect(statSync(join(DIST, "sentinel.mjs")).mtimeMs).toBe(bundleMtime);

      // A build older than its sources (as after editing one): the start rebuilds before running.
      writeFileSync(join(DIST, "stamp.json"), JSON.stringify({ ...current, builtFrom: 0 }));
      expect(await workers(dbPath)).toEqual([]);
      expect(readStamp().builtFrom).toBeGreaterThan(current.builtFrom);
    });
  }, 60_000);
});
