import { tempDir } from "@sentinel/test-support";
import { describe, expect, it } from "vitest";
import { loadWorkerConfig } from "../../src/config/load-worker-config.js";
import { ConfigError } from "../../src/errors.js";
import { createLogger } from "../../src/observability/logger.js";
import { createWorker } from "../../src/runtime/create-worker.js";
import { collectingStream } from "./fixtures.js";

const GITHUB_ENV = {
  GITHUB_TOKEN: "ghp_unused",
  GITHUB_OWNER: "acme",
  GITHUB_REPO: "tasks",
  // A port fetch refuses outright: a refused worker must fail before any request, a warned one fails on its first.
  GITHUB_API_URL: "http://127.0.0.1:9/api/v3",
  SENTINEL_HMAC_SECRET: "s".repeat(32),
  // No retries of the refused connection, by the client or by start-up: the warned worker's start fails at once.
  SENTINEL_GITHUB_TUNING: JSON.stringify({ throttle: { retries: 0 } }),
  SENTINEL_START_TIMEOUT_MS: "0",
  WORKER_HEALTH_PORT: "0",
};

async function startWith(env: Record<string, string>) {
  const dir = tempDir("sentinel-spend-guard");
  const config = loadWorkerConfig({ cwd: dir.path, env: { ...GITHUB_ENV, ...env } });
  const { stream, lines } = collectingStream();
  const logger = createLogger({ level: "info", component: "worker", workerId: config.workerId, destination: stream });
  const worker = createWorker({ config, logger, env: { ...GITHUB_ENV, ...env } });
  const outcome = await worker.start().then(
    () => null,
    (error: unknown) => error,
  );
  await worker.abort("test over");
  dir.remove();
  return { outcome, lines };
}

describe("the spend check at a GitHub worker's start", () => {
  it("refuses a configuration whose idle spend exceeds the token's primary limit, naming the key and the limit", async () => {
    const { outcome, lines } = await startWith({ SENTINEL_GITHUB_WORKERS_PER_TOKEN: "20" });
    expect(outcome).toBeInstanceOf(ConfigError);
    expect((outcome as ConfigError).key).toBe("SENTINEL_GITHUB_WORKERS_PER_TOKEN");
    expect((outcome as ConfigError).message).toContain("primary limit of 5,000/hour");
    // The heartbeat stretch 20 workers need is warned about loudly before the refusal.
    expect(lines.some((line) => String(line.message).startsWith("GITHUB BUDGET WARNING (HEARTBEAT_INTERVAL_MS)"))).toBe(
      true,
    );
  });

  it("starts (and fails only on connecting) when told to warn instead, logging the excess loudly", async () => {
    const { outcome, lines } = await startWith({
      SENTINEL_GITHUB_WORKERS_PER_TOKEN: "20",
      SENTINEL_GITHUB_SPEND_CHECK: "warn",
    });
    expect(outcome).not.toBeInstanceOf(ConfigError);
    expect(lines.some((line) => String(line.message).startsWith("GITHUB BUDGET EXCEEDED"))).toBe(true);
  });
});
