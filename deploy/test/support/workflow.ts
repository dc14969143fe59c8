import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "./dockerfile.js";

export const WORKFLOW_PATH = join(REPO_ROOT, ".github/workflows/task-sentinel-workers.yml");

export interface WorkerJob {
  "timeout-minutes": number;
  strategy: { matrix: { worker: number[] } };
  env: Record<string, string>;
  steps: Array<{ name?: string; uses?: string; run?: string }>;
  if?: string;
}

export function readWorkflow(): { text: string; on: Record<string, unknown>; permissions: unknown; job: WorkerJob } {
  const text = readFileSync(WORKFLOW_PATH, "utf8");
  const doc = parse(text) as { on: Record<string, unknown>; permissions: unknown; jobs: { worker: WorkerJob } };
  return { text, on: doc.on, permissions: doc.permissions, job: doc.jobs.worker };
}

/**
 * The job's environment as a runner would give it: `${{ … }}` expressions replaced from
 * `context` (an expression it does not know is an error), plus what every Actions job has.
 */
export function jobEnv(job: WorkerJob, context: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { GITHUB_ACTIONS: "true" };
  for (const [key, value] of Object.entries(job.env)) {
    env[key] = String(value).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_all, expression: string) => {
      const replacement = context[expression];
      if (replacement === undefined) throw new Error(`${key}: no value for the expression ${expression}`);
      return replacement;
    });
  }
  return env;
}
