/**
 * `pnpm demo:github`: the whole stack in GitHub mode on one machine, against the GitHub
 * emulator — the emulator (state kept in <data dir>/github-emulator.json, so the demo
 * survives restarts), then `scripts/start.ts` (dashboard + control plane + three workers)
 * with the GitHub store selected through the same variables a real deployment uses.
 * Ctrl-C / SIGTERM: the workers drain and deregister (they still need the emulator), the
 * dashboard stops, then the emulator saves its state and stops.
 *
 * The emulator enforces GitHub's real limits for a personal token — primary 5,000 requests
 * an hour, secondary 80 content-creating requests a minute and 500 an hour — with a read lag
 * of 1 s (± a quarter), and every process runs at the defaults of a real deployment (30 s
 * heartbeats, GitHub's write spacing, the stores' own write budget): what runs here can be
 * copied to a real repository. Its measured hourly spend is in docs/benchmarks.md.
 *
 * Environment: SENTINEL_DATA_DIR (<repo>/data/github-demo: a separate directory, so the
 * dashboard's cache never mixes SQLite and GitHub data), EMULATOR_PORT (4010), EMULATOR_HOST
 * (127.0.0.1), EMULATOR_READ_LAG_MS (1000; keep it and its jitter of a quarter below
 * SENTINEL_SETTLE_DELAY_MS, 1500 by default), EMULATOR_PRIMARY_LIMIT (5000),
 * EMULATOR_SECONDARY_LIMIT (on | off), and everything scripts/start.ts and the stores read
 * (PORT, SENTINEL_OPERATOR_TOKEN, SENTINEL_LOCAL_WORKERS, HEARTBEAT_INTERVAL_MS,
 * SENTINEL_GITHUB_TUNING, …).
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
/** GitHub's secondary limits per login, shared here by the demo's four processes. */
const SECONDARY_PER_MINUTE = 80;
const SECONDARY_PER_HOUR = 500;
/** The settle delay the stores use by default (store/github/options.ts). */
const DEFAULT_SETTLE_DELAY_MS = 1500;

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
  const settleDelayMs = readInt("SENTINEL_SETTLE_DELAY_MS", DEFAULT_SETTLE_DELAY_MS, 0, 60_000);
  const readLagMs = readInt("EMULATOR_READ_LAG_MS", 1000, 0, 60_000);
  const readLagJitterMs = Math.floor(readLagMs / 4);
  if (readLagMs + readLagJitterMs >= settleDelayMs)
    log(
      `warning: EMULATOR_READ_LAG_MS (${readLagMs} + ${readLagJitterMs} jitter) ≥ SENTINEL_SETTLE_DELAY_MS (${settleDelayMs}) breaks the lock's assumption (docs/github-backend.md)`,
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
    faults: { readLagMs, readLagJitterMs },
    rateLimit: { limit: readInt("EMULATOR_PRIMARY_LIMIT", 5_000, 1, 1_000_000) },
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
    // The spend check projects the token's hourly spend for the processes that share it: here all of them.
    SENTINEL_GITHUB_WORKERS_PER_TOKEN:
      process.env.SENTINEL_GITHUB_WORKERS_PER_TOKEN ?? process.env.SENTINEL_LOCAL_WORKERS ?? "3",
    // Everything else (heartbeats, stale threshold, monitor, syncer, write spacing and budget)
    // stays at the defaults a real deployment gets, so the demo spends what one would.
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
      `  admin token:      ${process.env.SENTINEL_OPERATOR_TOKEN ? "(from SENTINEL_OPERATOR_TOKEN)" : env.SENTINEL_OPERATOR_TOKEN}`,
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
