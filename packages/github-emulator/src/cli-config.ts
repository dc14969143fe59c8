import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { faultOptionsSchema } from "./faults.js";
import type { EmulatorOptions, EmulatorUserOptions } from "./options.js";

const USAGE = `Usage: github-emulator [--port N] [--host H] [--persist FILE]
  [--users login:token[:collaborator] ...] [--repo owner/name ...]
  [--admin-token T] [--faults JSON] [--comment-cap N]
Environment (used when the flag is absent): EMULATOR_PORT, EMULATOR_HOST, EMULATOR_PERSIST,
  EMULATOR_USERS (comma-separated login:token[:collaborator]), EMULATOR_ADMIN_TOKEN,
  EMULATOR_FAULTS (JSON), GITHUB_OWNER + GITHUB_REPO (the repository), GITHUB_TOKEN
  (a collaborator token for the owner when no users are given).`;

export class CliUsageError extends Error {
  constructor(message: string) {
    super(`${message}\n\n${USAGE}`);
    this.name = "CliUsageError";
  }
}

/** Flags win over environment variables (a leading "--" from `pnpm start --` is skipped); with neither, a demo owner/repo/token is made up. */
export function readCliOptions(argv: string[], env: NodeJS.ProcessEnv): EmulatorOptions {
  const values = parseFlags(argv[0] === "--" ? argv.slice(1) : argv);
  const envRepo = env.GITHUB_OWNER && env.GITHUB_REPO ? `${env.GITHUB_OWNER}/${env.GITHUB_REPO}` : undefined;
  const repos = values.repo ?? (envRepo ? [envRepo] : ["sentinel-demo/tasks"]);
  const owner = repos[0]?.split("/")[0] ?? "sentinel-demo";
  const userSpecs = values.users?.flatMap((spec) => spec.split(/[,\s]+/)) ?? env.EMULATOR_USERS?.split(",");
  const users = userSpecs?.filter(Boolean).map(parseUserSpec) ?? [
    { login: owner, token: env.GITHUB_TOKEN ?? `ghp_emulator${randomBytes(12).toString("hex")}`, collaborator: true },
  ];
  const faultsText = values.faults ?? env.EMULATOR_FAULTS;
  return {
    port: readInteger("--port", values.port ?? env.EMULATOR_PORT ?? "4010"),
    host: values.host ?? env.EMULATOR_HOST ?? "127.0.0.1",
    persistPath: values.persist ?? env.EMULATOR_PERSIST,
    adminToken: values["admin-token"] ?? env.EMULATOR_ADMIN_TOKEN,
    users,
    repos,
    ...(values["comment-cap"] ? { commentCap: readInteger("--comment-cap", values["comment-cap"]) } : {}),
    ...(faultsText ? { faults: parseFaults(faultsText) } : {}),
  };
}

function parseFlags(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        persist: { type: "string" },
        users: { type: "string", multiple: true },
        repo: { type: "string", multiple: true },
        "admin-token": { type: "string" },
        faults: { type: "string" },
        "comment-cap": { type: "string" },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}

function parseUserSpec(spec: string): EmulatorUserOptions {
  const [login, token, role, ...rest] = spec.split(":");
  if (!login || !token || rest.length > 0 || (role !== undefined && role !== "collaborator")) {
    throw new CliUsageError(`--users: expected login:token or login:token:collaborator, got "${spec}"`);
  }
  return { login, token, collaborator: role === "collaborator" };
}

function readInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new CliUsageError(`${name}: expected a non-negative integer, got "${text}"`);
  return value;
}

function parseFaults(text: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliUsageError(`--faults: expected JSON, got "${text}"`);
  }
  const parsed = faultOptionsSchema.partial().safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliUsageError(`--faults: ${issue?.path.join(".") || "(value)"}: ${issue?.message}`);
  }
  return parsed.data;
}
