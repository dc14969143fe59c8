import { randomInt } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { stopAllProcesses } from "@sentinel/test-support/processes";
import { BACKENDS, type Backend, chaosOptions } from "./options.js";
import { renderConsole, writeDocsSection } from "./report.js";
import { type ChaosResult, runChaos } from "./run-chaos.js";

/**
 * `pnpm chaos [--backend sqlite,postgres,github] [--seed N] [--short] [--skew-minutes M] [--github-budget raised|github] [--write-docs]`
 * Runs the chaos plan on each backend in turn (SQLite, Postgres, GitHub), prints the figures and every
 * check, and exits 1 if a check failed. The seed (random unless given) is printed first: pass
 * it back to repeat the same plan. `--write-docs` rewrites the rows of the backends it ran in
 * the generated section of docs/reliability.md, and keeps the others.
 */
const DOCS_PATH = fileURLToPath(new URL("../docs/reliability.md", import.meta.url));

function parseBackends(raw: string): Backend[] {
  const names = raw.split(",").map((s) => s.trim());
  const unknown = names.filter((n) => !BACKENDS.includes(n as Backend));
  if (unknown.length > 0)
    throw new Error(
      `--backend: unknown ${unknown.join(", ")}; expected a comma-separated subset of ${BACKENDS.join(",")}`,
    );
  return names as Backend[];
}

function parseSeed(raw: string | undefined): number {
  if (raw === undefined) return randomInt(1, 2 ** 31);
  if (!/^\d+$/.test(raw) || Number(raw) >= 2 ** 32)
    throw new Error(`--seed: expected an integer from 0 to 2^32-1, got ${raw}`);
  return Number(raw);
}

function parseSkewMinutes(raw: string): number {
  if (!/^-?\d+$/.test(raw) || Math.abs(Number(raw)) > 60)
    throw new Error(`--skew-minutes: expected an integer from -60 to 60, got ${raw}`);
  return Number(raw);
}

function parseGithubBudget(raw: string): "raised" | "github" {
  if (raw !== "raised" && raw !== "github") throw new Error(`--github-budget: expected raised or github, got ${raw}`);
  return raw;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: "string", default: BACKENDS.join(",") },
      seed: { type: "string" },
      short: { type: "boolean", default: false },
      "skew-minutes": { type: "string" },
      "github-budget": { type: "string" },
      "write-docs": { type: "boolean", default: false },
    },
  });
  const seed = parseSeed(values.seed);
  console.log(`chaos: seed ${seed} (repeat with --seed ${seed})`);
  const results: ChaosResult[] = [];
  for (const backend of parseBackends(values.backend)) {
    const options = chaosOptions(backend, seed, values.short ? "short" : "full");
    if (values["skew-minutes"] !== undefined) options.skewMs = parseSkewMinutes(values["skew-minutes"]) * 60_000;
    if (values["github-budget"] !== undefined) options.githubBudget = parseGithubBudget(values["github-budget"]);
    const result = await runChaos(options, (line) => console.log(`  ${line}`));
    console.log(renderConsole(result));
    results.push(result);
  }
  if (values["write-docs"]) {
    writeDocsSection(DOCS_PATH, results);
    console.log(`chaos: figures written to ${DOCS_PATH}`);
  }
  if (results.some((r) => r.checks.some((c) => !c.ok))) process.exitCode = 1;
}

main()
  .catch((err: unknown) => {
    console.error(`chaos: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => stopAllProcesses(5000));
