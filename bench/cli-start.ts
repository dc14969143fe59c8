import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withTempDir } from "@sentinel/test-support";
import { positiveIntEnv } from "./queue-run.js";
import type { BenchSuite, ReportSection, SuiteResult } from "./report.js";
import { median, percentile } from "./stats.js";

/**
 * How long a CLI command takes from `node …` to exit, as an operator runs it: the shipped
 * launcher (a JavaScript bundle, checked for staleness at every start) against the former way
 * (`node --import tsx` compiling TypeScript at every start), in the same run. Each command
 * runs against a fresh SQLite file that already exists (opening and migrating it is part of
 * the figure), BENCH_CLI_RUNS times after one warm-up.
 */
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LAUNCHERS = {
  // Node alone (`node -e 0` ignores the arguments after it): the floor every launcher pays, and a gauge of the machine's load.
  node: ["-e", "0"],
  bundle: ["packages/coordination/bin/sentinel.mjs"],
  tsx: ["--import", "tsx", "packages/coordination/src/cli/main.ts"],
} as const;
const COMMANDS: Record<string, string[]> = {
  "task create": ["task", "create", "noop", "--title", "bench"],
  workers: ["workers"],
};

interface CliTiming {
  launcher: keyof typeof LAUNCHERS;
  command: string;
  wallMs: number[];
}

function timeOnce(launcher: readonly string[], args: string[], dbPath: string): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [...launcher, "--db", dbPath, ...args], { cwd: ROOT, encoding: "utf8" });
  const wallMs = performance.now() - started;
  if (result.status !== 0 && launcher[0] !== "-e")
    throw new Error(`sentinel ${args.join(" ")} exited ${result.status}: ${result.stderr || result.stdout}`);
  return wallMs;
}

export async function measureCliStart(runs: number): Promise<CliTiming[]> {
  return withTempDir("bench-cli", async (dir) => {
    const dbPath = join(dir, "sentinel.db");
    const timings: CliTiming[] = [];
    for (const [command, args] of Object.entries(COMMANDS)) {
      for (const [launcher, argv] of Object.entries(LAUNCHERS) as Array<[keyof typeof LAUNCHERS, readonly string[]]>) {
        timeOnce(argv, args, dbPath); // warm-up: builds the bundle if stale, creates the file
        const wallMs: number[] = [];
        // Alternating would be fairer under changing load; runs are short, so one block per pair is close enough.
        for (let i = 0; i < runs; i++) wallMs.push(timeOnce(argv, args, dbPath));
        timings.push({ launcher, command, wallMs });
      }
    }
    return timings;
  });
}

export function cliSection(timings: CliTiming[]): ReportSection {
  return {
    id: "cli",
    title: "CLI start: command → exit, wall clock",
    columns: [
      { key: "command", label: "command" },
      { key: "bundle", label: "`pnpm sentinel` (bundle) p50 ms" },
      { key: "bundleP90", label: "bundle p90 ms" },
      { key: "tsx", label: "tsx at every start p50 ms" },
      { key: "ratio", label: "bundle ÷ tsx", digits: 2 },
      { key: "node", label: "`node -e 0` p50 ms" },
    ],
    rows: Object.keys(COMMANDS).map((command) => {
      const of = (launcher: string) =>
        timings.find((t) => t.command === command && t.launcher === launcher)?.wallMs ?? [];
      const bundle = median(of("bundle"));
      const tsx = median(of("tsx"));
      const node = median(of("node"));
      return { command, bundle, bundleP90: percentile(of("bundle"), 90), tsx, ratio: bundle / tsx, node };
    }),
    notes: [
      "`node packages/coordination/bin/sentinel.mjs` (what `pnpm sentinel` runs, without pnpm's own start) against `node --import tsx packages/coordination/src/cli/main.ts`, same machine, same run; each against an existing SQLite file.",
      "Target (issue 14): ≤ 300 ms for `task create` and `workers`. Wall time includes Node's own start (≈ 40–100 ms) and grows with the machine's load.",
    ],
  };
}

export const cliStartSuite: BenchSuite = {
  id: "cli",
  async run(ctx): Promise<SuiteResult> {
    const runs = positiveIntEnv("BENCH_CLI_RUNS", 10);
    ctx.log(`cli: ${runs} runs per command and launcher`);
    const timings = await measureCliStart(runs);
    return { sections: [cliSection(timings)], headlines: [], facts: {}, raw: timings };
  },
};
