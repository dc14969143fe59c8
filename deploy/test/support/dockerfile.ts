import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

export const REPO_ROOT = resolve(dirname(new URL(import.meta.url).pathname), "../../..");

export interface FinalStage {
  /** ENV of the runtime stage, in order. */
  env: Record<string, string>;
  /** CMD in exec form. */
  cmd: string[];
  user: string | null;
  workdir: string | null;
}

export interface ParsedDockerfile {
  /** RUN lines of every stage, continuation lines joined. */
  runs: string[];
  final: FinalStage;
}

/** Just enough of the Dockerfile syntax for what ours uses: FROM, RUN, ENV k=v, USER, WORKDIR, CMD ["…"]. */
export function parseDockerfile(path = resolve(REPO_ROOT, "Dockerfile")): ParsedDockerfile {
  const lines = readFileSync(path, "utf8")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const runs: string[] = [];
  let final: FinalStage = { env: {}, cmd: [], user: null, workdir: null };
  for (const line of lines) {
    const [instruction = "", ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    switch (instruction.toUpperCase()) {
      case "FROM":
        final = { env: {}, cmd: [], user: null, workdir: null };
        break;
      case "RUN":
        runs.push(args);
        break;
      case "ENV":
        for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g))
          final.env[match[1] as string] = (match[2] as string).replace(/^"|"$/g, "");
        break;
      case "USER":
        final.user = args;
        break;
      case "WORKDIR":
        final.workdir = args;
        break;
      case "CMD":
        final.cmd = JSON.parse(args) as string[];
        break;
    }
  }
  return { runs, final };
}
