import { spawn } from "node:child_process";
import { once } from "node:events";
import { findFreePort } from "@sentinel/test-support";
import { Redis } from "ioredis";

export interface RedisServerOptions {
  binary?: string;
  startTimeoutMs?: number;
}

export interface RedisServerHandle {
  port: number;
  pid: number | undefined;
  version: string;
  stop(): Promise<void>;
}

/**
 * A throwaway redis-server on 127.0.0.1 with persistence off (`--save "" --appendonly no`),
 * so BullMQ is measured against memory, as a production Redis with default RDB snapshots
 * would mostly be between saves.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const binary = options.binary ?? process.env.REDIS_SERVER_BIN ?? "/usr/bin/redis-server";
  const port = await findFreePort();
  const child = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--loglevel",
      "warning",
    ],
    {
      stdio: ["ignore", "ignore", "pipe"],
      shell: false,
    },
  );
  const exited = once(child, "exit");
  child.once("error", () => undefined);

  const client = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // Refused connections while the server boots surface as rejected connect() calls below.
  client.on("error", () => undefined);
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(
          `${binary} exited with code ${child.exitCode} (is redis-server installed? apt-get install -y redis-server)`,
        );
      try {
        await client.connect();
        await client.ping();
        break;
      } catch (error) {
        client.disconnect();
        if (Date.now() > deadline)
          throw new Error(`redis-server on port ${port} did not answer PING in time`, { cause: error });
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const info = await client.info("server");
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
    client.disconnect();
    return {
      port,
      pid: child.pid,
      version,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        await exited;
      },
    };
  } catch (error) {
    client.disconnect();
    child.kill("SIGKILL");
    throw error;
  }
}
