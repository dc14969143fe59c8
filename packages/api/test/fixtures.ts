import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { createAccessToken, type Role, type WorkerRegistration } from "@sentinel/coordination";
import type { SqliteStore } from "@sentinel/coordination/sqlite";
import { openTempStore } from "@sentinel/test-support/store";
import { createCaller } from "../src/root.js";
import { type ControlPlane, type ControlPlaneOptions, createControlPlane } from "../src/server/index.js";

export const OPERATOR_TOKEN = "alice:alice-secret-token-0123456789";

export interface Harness {
  dir: string;
  store: SqliteStore;
  cp: ControlPlane;
  /** A caller with no session. */
  anonymous: ReturnType<typeof createCaller>;
  /** A caller logged in as "alice" through the real cookie. */
  operator: ReturnType<typeof createCaller>;
  cookie: string;
  close(): Promise<void>;
}

export function openHarness(
  options: Pick<ControlPlaneOptions, "startSyncer" | "sync" | "alerts" | "roleRefusalWindowMs"> & {
    env?: Record<string, string>;
  } = {},
): Harness {
  const { dir, store, cleanup } = openTempStore("sentinel-api");
  const cp = createControlPlane({
    store,
    dataDir: dir,
    env: { SENTINEL_OPERATOR_TOKEN: OPERATOR_TOKEN, SENTINEL_SESSION_SECRET: "s".repeat(40), ...options.env },
    startSyncer: options.startSyncer ?? false,
    sync: { pollIntervalMs: 50, workersRefreshMs: 100, reconcileIntervalMs: 60_000, ...options.sync },
    ...(options.roleRefusalWindowMs === undefined ? {} : { roleRefusalWindowMs: options.roleRefusalWindowMs }),
    ...(options.alerts === undefined ? {} : { alerts: options.alerts }),
  });
  const login = cp.auth.login("alice-secret-token-0123456789");
  if (!login.ok) throw new Error("fixture login failed");
  const cookie = login.setCookie.split(";")[0]!;
  return {
    dir,
    store,
    cp,
    cookie,
    anonymous: createCaller(cp.createContext({ headers: new Headers() })),
    operator: createCaller(cp.createContext({ headers: new Headers({ cookie }) })),
    async close() {
      await cp.close();
      await cleanup();
    },
  };
}

/**
 * A caller holding a new store token of `role` (created as `sentinel token create` does),
 * logged in through the real cookie; also returns the token and the cookie.
 */
export async function loginWithRole(h: Harness, role: Role, name = `${role}-user`) {
  const { token } = await createAccessToken(h.store, { name, role, actor: "test" });
  await h.cp.tokens.refresh();
  const login = h.cp.auth.login(token);
  if (!login.ok) throw new Error(`fixture login as ${role} failed`);
  const cookie = login.setCookie.split(";")[0]!;
  return { token, cookie, caller: createCaller(h.cp.createContext({ headers: new Headers({ cookie }) })) };
}

export function registration(id: string, overrides: Partial<WorkerRegistration> = {}): WorkerRegistration {
  return {
    id,
    hostname: `${id}.local`,
    pid: 1000,
    version: "test",
    maxConcurrency: 4,
    supportedTaskTypes: ["demo"],
    cpuCores: 2,
    memoryMb: 1024,
    labels: {},
    heartbeatIntervalMs: 1_000,
    leaseMs: 30_000,
    healthUrl: null,
    ...overrides,
  };
}

export type WebHandler = (request: Request) => Promise<Response>;

/** A real node:http server in front of Web-standard handlers (what Next's route handlers are). */
export async function serve(handler: WebHandler): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const controller = new AbortController();
      res.on("close", () => controller.abort());
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(key, value);
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method: req.method,
        headers,
        // Streamed as Next streams it, so a handler's own read limits are what is tested.
        body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
        duplex: "half",
        signal: controller.signal,
      } as RequestInit);
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(res);
      else res.end();
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
