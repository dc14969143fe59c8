import { cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { positiveIntEnv } from "./queue-run.js";
import {
  type BenchContext,
  type BenchReport,
  type BenchSuite,
  type Headline,
  headlineSection,
  type ReportSection,
  renderConsoleSection,
  updateDocsFigures,
  writeJsonResults,
} from "./report.js";

/**
 * `pnpm bench [--only sqlite-raw,sentinel,bullmq,cli,retention,dashboard,github,postgres] [--write-docs]`
 * Env: BENCH_RUNS (runs per configuration, default 3), BENCH_TASKS (tasks per run, default
 * 20000), plus the queue knobs in queue-run.ts. A full run rewrites the figures block of
 * docs/benchmarks.md and bench/results/latest.json; a partial (--only) run does so only with
 * --write-docs (it always leaves a timestamped JSON).
 */
// Loaded lazily so one suite's missing dependency (e.g. Redis client, the worker app) does not stop the others.
const SUITES: ReadonlyArray<{ id: string; load(): Promise<BenchSuite> }> = [
  { id: "sqlite-raw", load: async () => (await import("./sqlite-raw.js")).sqliteRawSuite },
  { id: "sentinel", load: async () => (await import("./sentinel-sqlite.js")).sentinelSqliteSuite },
  { id: "bullmq", load: async () => (await import("./bullmq.js")).bullmqSuite },
  { id: "cli", load: async () => (await import("./cli-start.js")).cliStartSuite },
  { id: "retention", load: async () => (await import("./retention.js")).retentionSuite },
  { id: "dashboard", load: async () => (await import("./dashboard/suite.js")).dashboardSuite },
  { id: "github", load: async () => (await import("./github/suite.js")).githubSuite },
  { id: "postgres", load: async () => (await import("./postgres/suite.js")).postgresSuite },
];

const RESULTS_DIR = fileURLToPath(new URL("./results", import.meta.url));
const DOCS_PATH = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url));

function selectSuites(only: string | undefined): typeof SUITES {
  if (!only) return [...SUITES];
  const ids = only
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !SUITES.some((s) => s.id === id));
  if (unknown.length)
    throw new Error(
      `--only: unknown suite(s) ${unknown.join(", ")}; expected a comma-separated subset of ${SUITES.map((s) => s.id).join(",")}`,
    );
  return SUITES.filter((s) => ids.includes(s.id));
}

function machineFacts(): Record<string, string> {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    cores: String(cpu.length),
    cpu: cpu[0]?.model.trim() ?? "unknown",
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    "load average at start (1/5/15 min)": loadavg()
      .map((l) => l.toFixed(1))
      .join(" / "),
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { only: { type: "string" }, "write-docs": { type: "boolean", default: false } },
  });
  const suites = selectSuites(values.only);
  const ctx: BenchContext = {
    runs: positiveIntEnv("BENCH_RUNS", 3),
    tasks: positiveIntEnv("BENCH_TASKS", 20_000),
    log: (message) => process.stderr.write(`[bench] ${message}\n`),
  };
  const started = new Date();
  const facts = machineFacts();
  const sections: ReportSection[] = [];
  const headlines: Headline[] = [];
  const raw: Record<string, unknown> = {};
  const failed: string[] = [];
  for (const entry of suites) {
    ctx.log(`── ${entry.id}`);
    try {
      const suite = await entry.load();
      const result = await suite.run(ctx);
      sections.push(...result.sections);
      headlines.push(...result.headlines);
      Object.assign(facts, result.facts);
      raw[entry.id] = result.raw;
    } catch (error) {
      failed.push(entry.id);
      raw[entry.id] = { error: error instanceof Error ? error.message : String(error) };
      ctx.log(`${entry.id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  const finished = new Date();
  facts["load average at end (1/5/15 min)"] = loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
  const report: BenchReport = {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: (finished.getTime() - started.getTime()) / 1000,
    config: { runs: ctx.runs, tasks: ctx.tasks, suites: suites.map((s) => s.id) },
    facts,
    sections: headlines.length ? [headlineSection(headlines), ...sections] : sections,
    raw,
  };

  process.stdout.write(`\n${report.sections.map(renderConsoleSection).join("\n\n")}\n\n`);
  const complete = failed.length === 0 && suites.length === SUITES.length;
  const publish = complete || (values["write-docs"] && failed.length === 0);
  const written = await writeJsonResults(report, RESULTS_DIR, { latest: publish });
  ctx.log(`results: ${written.join(", ")}`);
  if (publish) {
    await updateDocsFigures(report, DOCS_PATH);
    ctx.log(`figures updated in ${DOCS_PATH}`);
  } else {
    ctx.log(
      `docs/benchmarks.md left unchanged (${failed.length ? `failed: ${failed.join(", ")}` : "partial run; pass --write-docs to update it"})`,
    );
  }
  return failed.length ? 1 : 0;
}

process.exitCode = await main();
