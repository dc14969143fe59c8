import { runCli } from "../../src/cli/run-cli.js";

/** One `sentinel --db <dbPath> …` run in this process: its exit code and what it printed. */
export async function cli(dbPath: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["--db", dbPath, ...args], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}
