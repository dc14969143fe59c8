/**
 * `pnpm demo:github`: the whole stack in GitHub mode on one machine, against the GitHub
 * emulator — the emulator (state kept in <data dir>/github-emulator.json, so the demo
 * survives restarts), then `scripts/start.ts` (dashboard + control plane + three workers)
 * with the GitHub store selected through the same variables a real deployment uses.
 * Ctrl-C / SIGTERM: the workers drain and deregister (they still need the emulator), the
 * dashboard stops, then the emulator saves its state and stops.
 *
 * Environment: SENTINEL_DATA_DIR (<repo>/data/github-demo: a separate directory, so the
 * dashboard's cache never mixes SQLite and GitHub data), EMULATOR_PORT (4010), EMULATOR_HOST
 * (127.0.0.1), EMULATOR_READ_LAG_MS (40; keep it below SENTINEL_SETTLE_DELAY_MS, 250),
 * EMULATOR_SECONDARY_LIMIT (on | off), and everything scripts/start.ts reads (PORT,
 * SENTINEL_OPERATOR_TOKEN, SENTINEL_LOCAL_WORKERS, HEARTBEAT_INTERVAL_MS, …).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Emulator, startEmulator } from "@sentinel/github-emulator";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OWNER = "sentinel-demo";
const REPO = "tasks";
const BOT = "sentinel-bot";
const STRANGER = "stranger";
/** The emulator's secondary limits for the demo's login, shared by its four processes (GitHub's: 80 and 500). */
const SECONDARY_PER_MINUTE = 600;
const SECONDARY_PER_HOUR = 20_000;

/** Made once per data directory: the HMAC secret must outlive restarts, or every stored record stops counting. */
interface DemoSecrets {
  botToken: string;
  strangerToken: string;
  hmacSecret: string;
}

function log(message: string): void {
  console.log(`demo:github: ${message}`);
}

function fail(message: string): never {
  console.error(`demo:github: ${message}`);
  process.exit(1);
}

function readInt(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    fail(`invalid ${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

function readSwitch(name: string, fallback: boolean): boolean {
  const raw = process.env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (["on", "1", "true"].includes(raw)) return true;
  if (["off", "0", "false"].includes(raw)) return false;
  fail(`invalid ${name}: expected on or off, got ${JSON.stringify(raw)}`);
}

function demoSecretsPath(dataDir: string): string {
  return join(dataDir, "github-demo-secrets.json");
}

function loadOrCreateSecrets(dataDir: string): DemoSecrets {
  const path = demoSecretsPath(dataDir);
  if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as DemoSecrets;
  const secrets: DemoSecrets = {
    botToken: `ghp_demo${randomBytes(16).toString("hex")}`,
    strangerToken: `ghp_stranger${randomBytes(16).toString("hex")}`,
    hmacSecret: randomBytes(32).toString("base64url"),
  };
  writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      fail("scripts/start.ts exited before the dashboard was ready");
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`${url} did not answer within ${timeoutMs} ms`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once("exit", () => r()));
}

async function main(): Promise<void> {
  const dataDir = resolve(ROOT, process.env.SENTINEL_DATA_DIR?.trim() || "data/github-demo");
  mkdirSync(dataDir, { recursive: true });
  const secrets = loadOrCreateSecrets(dataDir);
  const settleDelayMs = readInt("SENTINEL_SETTLE_DELAY_MS", 250, 0, 60_000);
  const readLagMs = readInt("EMULATOR_READ_LAG_MS", 40, 0, 60_000);
  if (readLagMs >= settleDelayMs)
    log(
      `warning: EMULATOR_READ_LAG_MS (${readLagMs}) ≥ SENTINEL_SETTLE_DELAY_MS (${settleDelayMs}) breaks the lock's assumption (docs/github-backend.md)`,
    );
  const persistPath = join(dataDir, "github-emulator.json");

  const emulator: Emulator = await startEmulator({
    port: readInt("EMULATOR_PORT", 4010, 0, 65_535),
    host: process.env.EMULATOR_HOST?.trim() || "127.0.0.1",
    users: [
      { login: BOT, token: secrets.botToken, collaborator: true },
      { login: STRANGER, token: secrets.strangerToken, collaborator: false },
    ],
    repos: [`${OWNER}/${REPO}`],
    persistPath,
    faults: { readLagMs, readLagJitterMs: Math.floor(readLagMs / 2) },
    // Several processes share one login here; real deployments spread workers over slower heartbeats.
    rateLimit: { limit: 50_000 },
    secondaryRateLimit: readSwitch("EMULATOR_SECONDARY_LIMIT", true)
      ? { perMinute: SECONDARY_PER_MINUTE, perHour: SECONDARY_PER_HOUR }
      : false,
  });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SENTINEL_DATA_DIR: dataDir,
    SENTINEL_STORE: "github",
    GITHUB_API_URL: emulator.url,
    GITHUB_OWNER: OWNER,
    GITHUB_REPO: REPO,
    GITHUB_TOKEN: secrets.botToken,
    SENTINEL_HMAC_SECRET: secrets.hmacSecret,
    SENTINEL_ALLOWED_AUTHORS: BOT,
    SENTINEL_SETTLE_DELAY_MS: String(settleDelayMs),
    SENTINEL_OPERATOR_TOKEN: process.env.SENTINEL_OPERATOR_TOKEN?.trim() || randomBytes(24).toString("base64url"),
    // The emulator answers at once and has the limits set above: the stores plan their writes
    // (and stretch heartbeats) for those, not for api.github.com's 80/min and 500/h.
    SENTINEL_GITHUB_TUNING:
      process.env.SENTINEL_GITHUB_TUNING ??
      JSON.stringify({
        throttle: { writeMinTimeMs: 50, notificationMinTimeMs: 100 },
        writeBudget: { perMinute: SECONDARY_PER_MINUTE, perHour: SECONDARY_PER_HOUR },
      }),
    HEARTBEAT_INTERVAL_MS: process.env.HEARTBEAT_INTERVAL_MS ?? "5000",
    STALE_WORKER_THRESHOLD_MS: process.env.STALE_WORKER_THRESHOLD_MS ?? "20000",
    STALE_CHECK_INTERVAL_MS: process.env.STALE_CHECK_INTERVAL_MS ?? "2000",
    SENTINEL_SYNC_POLL_MS: process.env.SENTINEL_SYNC_POLL_MS ?? "1000",
    SENTINEL_SYNC_WORKERS_MS: process.env.SENTINEL_SYNC_WORKERS_MS ?? "3000",
  };
  const stack = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts/start.ts")], {
    cwd: ROOT,
    env,
    stdio: "inherit",
    shell: false,
  });

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the stack, then the emulator…`);
    // start.ts ignores a repeat of the signal it already got from the terminal.
    stack.kill(signal);
    await exited(stack);
    await emulator.close();
    log(`stopped (emulator state saved to ${persistPath})`);
    process.exit(0);
  };
  process.on("SIGINT", (s) => void shutdown(s));
  process.on("SIGTERM", (s) => void shutdown(s));
  stack.on("exit", (code, signal) => {
    if (stopping) return;
    log(`scripts/start.ts exited (${signal ?? `code ${code}`}); stopping the emulator`);
    void emulator.close().then(() => process.exit(code ?? 1));
  });

  const port = env.PORT?.trim() || "3000";
  const host = env.HOST?.trim() || "127.0.0.1";
  await waitForHealth(`http://${host}:${port}/health`, stack, 300_000);
  console.log(
    [
      "",
      "  Task Sentinel on the GitHub backend (emulated)",
      `  dashboard:        http://${host}:${port}`,
      `  operator token:   ${process.env.SENTINEL_OPERATOR_TOKEN ? "(from SENTINEL_OPERATOR_TOKEN)" : env.SENTINEL_OPERATOR_TOKEN}`,
      `  GitHub emulator:  ${emulator.url}  (repository ${OWNER}/${REPO})`,
      `  ${BOT} token:   ${secrets.botToken}  (collaborator; the workers and the control plane use it)`,
      `  ${STRANGER} token:     ${secrets.strangerToken}  (not a collaborator: try forging a claim)`,
      `  emulator admin:   ${emulator.adminToken}  (GET ${emulator.url}/_emulator/stats)`,
      `  state:            ${persistPath}`,
      "  Ctrl-C to stop (workers drain first, the emulator saves its state last).",
      "",
    ].join("\n"),
  );
}

void main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
