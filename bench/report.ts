import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * The benchmark report is a list of sections; each benchmark contributes one (or more)
 * through a `BenchSuite`, so later benchmarks (GitHub-mode cost, dashboard latency) plug in
 * without touching the renderers.
 */
export type Cell = string | number | null;

export interface Column {
  key: string;
  label: string;
  /** Decimal places for numeric cells (default 0). */
  digits?: number;
}

export interface ReportSection {
  id: string;
  title: string;
  columns: Column[];
  rows: Array<Record<string, Cell>>;
  /** One-line explanations printed under the table. */
  notes: string[];
  /**
   * The docs block this section opens (see updateDocsFigures), with the heading it goes
   * under: the block is added to the doc the first time it is written, before "## Figures".
   */
  docBlock?: { name: string; heading: string };
}

/** One line of the side-by-side summary; suites that measure task throughput contribute these. */
export interface Headline {
  label: string;
  tasksPerSec: number | null;
  /** Claim latency at the first open-load rate, and at the second (`High`) if one ran. */
  p50Ms: number | null;
  p99Ms: number | null;
  p50HighMs?: number | null;
  p99HighMs?: number | null;
  cpuMsPerTask?: number | null;
  idleCpuMsPerSec?: number | null;
}

export interface SuiteResult {
  sections: ReportSection[];
  headlines: Headline[];
  /** Facts about the software measured (e.g. "redis": "7.0.15"), shown with the machine facts. */
  facts: Record<string, string>;
  /** Every per-run measurement, kept in the JSON for later analysis. */
  raw: unknown;
}

export interface BenchContext {
  runs: number;
  tasks: number;
  log(message: string): void;
}

export interface BenchSuite {
  id: string;
  run(ctx: BenchContext): Promise<SuiteResult>;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  config: { runs: number; tasks: number; suites: string[] };
  facts: Record<string, string>;
  sections: ReportSection[];
  raw: Record<string, unknown>;
}

/** The side-by-side table: every suite's headline rows, relative to the first BullMQ row if there is one. */
/** "BullMQ 2×10" → "2×10": the configuration a headline row measured. */
const configOf = (label: string): string => label.split(" ").pop() ?? "";

/**
 * The side-by-side table: every suite's headline rows, with throughput relative to the first
 * BullMQ row (one process) and to the BullMQ row of the same configuration, and CPU per task
 * relative to that row too (issue 14's targets are the same-configuration ratios).
 */
export function headlineSection(headlines: Headline[]): ReportSection {
  const bullmq = headlines.filter((h) => h.label.startsWith("BullMQ"));
  const reference = bullmq[0]?.tasksPerSec ?? null;
  const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
    a !== null && a !== undefined && b ? a / b : null;
  return {
    id: "summary",
    title: "Side by side (no-op tasks, medians)",
    columns: [
      { key: "label", label: "system" },
      { key: "tasksPerSec", label: "tasks/s" },
      { key: "relative", label: "× BullMQ 1 proc", digits: 2 },
      { key: "sameConfig", label: "× BullMQ same procs", digits: 2 },
      { key: "cpuMsPerTask", label: "CPU ms/task", digits: 3 },
      { key: "cpuRatio", label: "CPU ÷ BullMQ same procs", digits: 2 },
      { key: "p50Ms", label: "claim p50 ms (1st rate)", digits: 1 },
      { key: "p99Ms", label: "claim p99 ms (1st rate)", digits: 1 },
      { key: "p50HighMs", label: "claim p50 ms (2nd rate)", digits: 1 },
      { key: "p99HighMs", label: "claim p99 ms (2nd rate)", digits: 1 },
      { key: "idleCpuMsPerSec", label: "idle CPU ms/s per process", digits: 1 },
    ],
    rows: headlines.map((h) => {
      const peer = bullmq.find((b) => configOf(b.label) === configOf(h.label));
      return {
        label: h.label,
        tasksPerSec: h.tasksPerSec,
        relative: ratio(h.tasksPerSec, reference),
        sameConfig: ratio(h.tasksPerSec, peer?.tasksPerSec),
        cpuMsPerTask: h.cpuMsPerTask ?? null,
        cpuRatio: ratio(h.cpuMsPerTask, peer?.cpuMsPerTask),
        p50Ms: h.p50Ms,
        p99Ms: h.p99Ms,
        p50HighMs: h.p50HighMs ?? null,
        p99HighMs: h.p99HighMs ?? null,
        idleCpuMsPerSec: h.idleCpuMsPerSec ?? null,
      };
    }),
    notes: [
      "Claim latency is measured under open load after the backlog drained, at each rate of BENCH_OPEN_LOAD_RATES (default 500 and 2,000 arrivals/s; capped at half the configuration's measured throughput, see each section); the raw SQLite ceiling has no latency figure.",
      "Idle CPU: the worker processes (not redis-server) while nothing arrives, after the open load.",
    ],
  };
}

function formatCell(value: Cell, digits = 0): string {
  if (value === null) return "—";
  if (typeof value === "string") return value;
  if (!Number.isFinite(value)) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function tableCells(section: ReportSection): string[][] {
  const header = section.columns.map((c) => c.label);
  const body = section.rows.map((row) => section.columns.map((c) => formatCell(row[c.key] ?? null, c.digits)));
  return [header, ...body];
}

export function renderMarkdownSection(section: ReportSection): string {
  const [header = [], ...body] = tableCells(section);
  const align = section.columns.map((_, i) => (i === 0 ? "---" : "---:"));
  const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
  const notes = section.notes.map((n) => `- ${n}`).join("\n");
  return [`### ${section.title}`, "", line(header), line(align), ...body.map(line), "", notes].join("\n").trimEnd();
}

export function renderConsoleSection(section: ReportSection): string {
  const rows = tableCells(section);
  const widths = section.columns.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  const [header = [], ...body] = rows;
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [section.title, line(header), rule, ...body.map(line), ...section.notes.map((n) => `  * ${n}`)].join("\n");
}

export function renderFacts(facts: Record<string, string>): string {
  return ["| fact | value |", "| --- | --- |", ...Object.entries(facts).map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
}

export function renderFigures(report: BenchReport): string {
  return [
    `Generated by \`pnpm bench\` on ${report.finishedAt} in ${report.durationSeconds.toFixed(0)} s (BENCH_RUNS=${report.config.runs}, BENCH_TASKS=${report.config.tasks}). Figures are medians over the runs counted in each table's "runs" column.`,
    "",
    renderFacts(report.facts),
    "",
    ...report.sections.map((s) => `${renderMarkdownSection(s)}\n`),
  ]
    .join("\n")
    .trimEnd();
}

export const FIGURES_START = "<!-- bench:figures:start -->";
export const FIGURES_END = "<!-- bench:figures:end -->";

/**
 * Replace the generated blocks of the benchmarks doc, keeping the hand-written text around
 * them. A suite may have a block of its own (`<!-- bench:block:<name>:start -->` … `end`):
 * sections whose id is `<name>` or starts with `<name>-` go there, so a partial run of that
 * suite (`--only <name> --write-docs`) leaves every other figure as it was. A section with a
 * `docBlock` adds its block (and heading) to the doc if it is not there yet. The rest go into
 * the main figures block, which is rewritten only when the report has such sections.
 */
export async function updateDocsFigures(report: BenchReport, docPath: string): Promise<void> {
  let doc: string;
  try {
    doc = await readFile(docPath, "utf8");
  } catch {
    doc = `# Benchmarks\n\n## Figures\n\n${FIGURES_START}\n${FIGURES_END}\n`;
  }
  for (const section of report.sections) if (section.docBlock) doc = withBlock(doc, section.docBlock);
  const blockNames = [...doc.matchAll(/<!-- bench:block:([a-z0-9-]+):start -->/g)].map((m) => m[1] ?? "");
  const blockOf = (section: ReportSection): string | undefined =>
    blockNames.find((name) => section.id === name || section.id.startsWith(`${name}-`));
  for (const name of blockNames) {
    const own = report.sections.filter((section) => blockOf(section) === name);
    if (own.length === 0) continue;
    const stamp = `Generated by \`pnpm bench\` on ${report.finishedAt} (load average ${report.facts["load average at start (1/5/15 min)"] ?? "?"} at start).`;
    doc = replaceBetween(
      doc,
      blockStart(name),
      blockEnd(name),
      [stamp, "", ...own.map((section) => `${renderMarkdownSection(section)}\n`)].join("\n").trimEnd(),
    );
  }
  const rest = report.sections.filter((section) => blockOf(section) === undefined && section.id !== "summary");
  if (rest.length > 0)
    doc = replaceBetween(
      doc,
      FIGURES_START,
      FIGURES_END,
      renderFigures({ ...report, sections: report.sections.filter((section) => blockOf(section) === undefined) }),
    );
  await mkdir(dirname(docPath), { recursive: true });
  await writeFile(docPath, doc);
}

const blockStart = (name: string): string => `<!-- bench:block:${name}:start -->`;
const blockEnd = (name: string): string => `<!-- bench:block:${name}:end -->`;
const FIGURES_HEADING = "\n## Figures\n";

/** The doc with an empty block `name` under its own heading before "## Figures" (or at the end), unless it has one. */
function withBlock(doc: string, block: { name: string; heading: string }): string {
  if (doc.includes(blockStart(block.name))) return doc;
  const added = `\n## ${block.heading}\n\n${blockStart(block.name)}\n${blockEnd(block.name)}\n`;
  const at = doc.indexOf(FIGURES_HEADING);
  return at === -1 ? `${doc.trimEnd()}\n${added}` : `${doc.slice(0, at)}${added}${doc.slice(at)}`;
}

function replaceBetween(doc: string, startMarker: string, endMarker: string, content: string): string {
  const start = doc.indexOf(startMarker);
  const end = doc.indexOf(endMarker);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`the benchmarks doc must contain ${startMarker} … ${endMarker} around the generated figures`);
  return `${doc.slice(0, start + startMarker.length)}\n${content}\n${doc.slice(end)}`;
}

/**
 * A timestamped copy, so runs can be compared over time, and — when `latest` — latest.json,
 * which always matches the figures in the docs.
 */
export async function writeJsonResults(report: BenchReport, dir: string, opts: { latest: boolean }): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const stamp = report.finishedAt.replace(/[:.]/g, "-");
  const paths = [join(dir, `${stamp}.json`), ...(opts.latest ? [join(dir, "latest.json")] : [])];
  await Promise.all(paths.map((p) => writeFile(p, json)));
  return paths;
}
