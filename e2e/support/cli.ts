import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { REPO_ROOT } from "@sentinel/test-support/processes";
import { storeEnv } from "./backend";

const run = promisify(execFile);

/** Runs `sentinel <args>` as a real process against the current project's store (SQLite file or GitHub emulator). */
export async function sentinelCli(...args: string[]): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "packages/coordination/src/cli/main.ts", ...args],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...storeEnv() },
    },
  );
  return stdout;
}
