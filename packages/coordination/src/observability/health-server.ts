import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export type WorkerHealthStatus = "healthy" | "degraded" | "draining" | "starting" | "stopped";

/** The worker's GET /health body (status, worker_id, active tasks, capacity, uptime, last heartbeat), plus `state` and `reason` for operators. */
export interface WorkerHealth {
  status: WorkerHealthStatus;
  worker_id: string;
  uptime_seconds: number;
  active_tasks: number;
  capacity: { max: number; available: number };
  last_heartbeat: string | null;
  state: string;
  /** Task outcomes (completions, failures) whose store write is retrying after a transient error. */
  outcome_writes_retrying: number;
  reason?: string;
}

export interface HealthServerOptions {
  port: number;
  host: string;
  health: () => WorkerHealth;
  registry: Registry;
}

export interface HealthServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * GET /health (503 unless healthy or draining, so a Kubernetes probe restarts a worker that
 * cannot reach its store) and GET /metrics (Prometheus text). node:http is enough for two
 * read-only routes; a framework would add nothing.
 */
export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET" }).end();
      return;
    }
    if (path === "/health") {
      const body = opts.health();
      const ok = body.status === "healthy" || body.status === "draining";
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(body));
      return;
    }
    if (path === "/metrics") {
      opts.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": opts.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(String(err)),
      );
      return;
    }
    res
      .writeHead(404, { "content-type": "application/json" })
      .end(JSON.stringify({ error: `no route ${path}; try /health or /metrics` }));
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
