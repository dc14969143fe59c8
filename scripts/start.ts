/**
 * `pnpm start`: the whole local stack on one machine — the Next.js dashboard with the
 * control plane (production build, bound to 127.0.0.1) and three worker processes sharing
 * the embedded SQLite store under the data directory. Ctrl-C / SIGTERM drains the workers,
 * stops the server and exits 0.
 *
 * Environment: PORT (3000), HOST (127.0.0.1), SENTINEL_DATA_DIR (<repo>/data),
 * SENTINEL_OPERATOR_TOKEN (generated and printed when unset), SENTINEL_LOCAL_WORKERS (3),
 * SENTINEL_DEMO_TASKS (1: create a few demo tasks on first start), SENTINEL_STOP_TIMEOUT_MS
 * (15000: how long workers may drain before they are killed). Worker variables
 * (HEARTBEAT_INTERVAL_MS, STALE_WORKER_THRESHOLD_MS, …) pass through to the workers; their
 * LOG_LEVEL defaults to warn here.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { webBuildIsCurrent } from "./web-build-current.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WEB_DIR = join(ROOT, "apps/web");
const WORKER_DIR = join(ROOT, "apps/worker");
const NEXT_BIN = join(WEB_DIR, "node_modules/next/dist/bin/next");
const BUILD_ID = join(WEB_DIR, ".next/BUILD_ID");

interface StartOptions {
  port: number;
  host: string;
  dataDir: string | null;
  operatorToken: string | null;
  localWorkers: number;
  demoTasks: boolean;
  stopTimeoutMs: number;
}

/** Hand-checked rather than zod: the root package has no runtime dependencies of its own. */
function readInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    fail(`invalid ${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

function readFlag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  fail(`invalid ${name}: expected 1/0 or true/false, got ${JSON.stringify(raw)}`);
}

function readStartOptions(env: NodeJS.ProcessEnv): StartOptions {
  return {
    port: readInt(env, "PORT", 3000, 1, 65_535),
    host: env.HOST?.trim() || "127.0.0.1",
    dataDir: env.SENTINEL_DATA_DIR?.trim() || null,
    operatorToken: env.SENTINEL_OPERATOR_TOKEN?.trim() || null,
    localWorkers: readInt(env, "SENTINEL_LOCAL_WORKERS", 3, 0, 64),
    demoTasks: readFlag(env, "SENTINEL_DEMO_TASKS", true),
    stopTimeoutMs: readInt(env, "SENTINEL_STOP_TIMEOUT_MS", 15_000, 100, 600_000),
  };
}

function fail(message: string): never {
  console.error(`start: ${message}`);
  process.exit(1);
}

function log(message: string): void {
  console.log(`start: ${message}`);
}

function ensureBuilt(): void {
  if (webBuildIsCurrent(ROOT, BUILD_ID)) return;
  log("building the dashboard (next build --webpack)…");
  const result = spawnSync(process.execPath, [NEXT_BIN, "build", "--webpack"], {
    cwd: WEB_DIR,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) fail(`next build failed (exit ${result.status ?? result.signal})`);
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`the dashboard exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`${url} did not answer within ${timeoutMs} ms`);
}

/**
 * Children get their own process groups so a terminal Ctrl-C reaches only this launcher,
 * which then stops them in order (workers drain first, the server last).
 */
function spawnChild(name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd,
    env,
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
    shell: false,
  });
  child.on("exit", (code, signal) => {
    if (!stopping) log(`${name} exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once("exit", () => r()));
}

async function stopChildren(children: ChildProcess[], timeoutMs: number): Promise<void> {
  for (const child of children) child.kill("SIGTERM");
  const timer = setTimeout(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }, timeoutMs);
  await Promise.all(children.map(exited));
  clearTimeout(timer);
}

interface DemoTask {
  type: string;
  title: string;
  priority: number;
  params: unknown;
}

const DEMO_TASKS: DemoTask[] = [
  { type: "echo", title: "Say hello", priority: 5, params: { message: "hello from Task Sentinel" } },
  { type: "sleep", title: "Nap for 3 s", priority: 0, params: { ms: 3000 } },
  { type: "sleep", title: "Nap for 8 s", priority: 0, params: { ms: 8000 } },
  { type: "noop", title: "Do nothing, quickly", priority: -5, params: {} },
  { type: "fail", title: "Always fails (shows retries)", priority: 0, params: { message: "demo failure" } },
];

/** Through the control plane's API, so the demo tasks land in the audit log like any operator action. */
async function createDemoTasks(baseUrl: string, token: string, dataDir: string): Promise<void> {
  const marker = join(dataDir, ".demo-tasks-created");
  if (existsSync(marker)) return;
  for (const task of DEMO_TASKS) {
    const res = await fetch(`${baseUrl}/api/trpc/tasks.create`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ json: task }),
    });
    if (!res.ok) {
      log(`could not create demo task "${task.title}": HTTP ${res.status} ${await res.text()}`);
      return;
    }
  }
  writeFileSync(marker, new Date().toISOString());
  log(`created ${DEMO_TASKS.length} demo tasks`);
}

let stopping = false;

async function main(): Promise<void> {
  const options = readStartOptions(process.env);
  const dataDir = resolve(ROOT, options.dataDir ?? "data");
  mkdirSync(dataDir, { recursive: true });
  const configuredToken = options.operatorToken;
  // Decided here rather than by the server so the launcher can print it and use it.
  const token = configuredToken || randomBytes(24).toString("base64url");
  // An "id:secret,..." list: the first entry's secret, without its id.
  const [bareToken = token] = (token.includes(":") ? token.slice(token.indexOf(":") + 1) : token).split(",");

  ensureBuilt();

  const baseUrl = `http://${options.host}:${options.port}`;
  const sharedEnv: NodeJS.ProcessEnv = { ...process.env, SENTINEL_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1" };
  const server = spawnChild("dashboard", [NEXT_BIN, "start", "-H", options.host, "-p", String(options.port)], WEB_DIR, {
    ...sharedEnv,
    SENTINEL_OPERATOR_TOKEN: token,
    NODE_ENV: "production",
  });
  const workers: ChildProcess[] = [];

  let signalledAt = 0;
  const shutdown = async (signal: NodeJS.Signals) => {
    // A launcher started under a shell or tsx may see the same signal twice in a row.
    if (stopping && Date.now() - signalledAt < 1000) return;
    if (stopping) {
      log(`${signal} again: killing everything`);
      for (const child of [...workers, server]) child.kill("SIGKILL");
      process.exit(1);
    }
    stopping = true;
    signalledAt = Date.now();
    log(`${signal}: draining ${workers.length} worker(s)…`);
    await stopChildren(workers, options.stopTimeoutMs);
    log("stopping the dashboard…");
    await stopChildren([server], 10_000);
    log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", (s) => void shutdown(s));
  process.on("SIGTERM", (s) => void shutdown(s));
  process.on("exit", () => {
    for (const child of [...workers, server])
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });

  await waitForHttp(`${baseUrl}/health`, server, 60_000);

  for (let i = 1; i <= options.localWorkers; i++) {
    const workerId = `local-${i}`;
    workers.push(
      spawnChild(workerId, ["--import", "tsx", "src/main.ts"], WORKER_DIR, {
        ...sharedEnv,
        WORKER_ID: workerId,
        WORKER_HEALTH_PORT: "0",
        // Keep the terminal readable: per-task info lines only when asked for.
        LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      }),
    );
  }

  if (options.demoTasks) await createDemoTasks(baseUrl, bareToken, dataDir);

  console.log(
    [
      "",
      `  Task Sentinel is running`,
      `  dashboard:      ${baseUrl}`,
      `  admin token:    ${configuredToken ? "(from SENTINEL_OPERATOR_TOKEN)" : token}  (more: pnpm sentinel token create <name> --role viewer|operator|admin)`,
      `  data directory: ${dataDir}`,
      `  workers:        ${workers.length} (local-1 … local-${workers.length})`,
      `  Ctrl-C to stop (workers drain first).`,
      "",
    ].join("\n"),
  );
}

void main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
