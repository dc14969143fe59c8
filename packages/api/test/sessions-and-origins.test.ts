import { createHmac } from "node:crypto";
import superjson from "superjson";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FREE_FAILURES, GLOBAL_FAILURES_PER_MINUTE } from "../src/auth/login-limiter.js";
import { createControlPlane } from "../src/server/index.js";
import { dashboardRoutes } from "./dashboard-routes.js";
import { type Harness, OPERATOR_TOKEN, openHarness, serve } from "./fixtures.js";

const TOKEN = OPERATOR_TOKEN.split(":")[1] as string;
const WEBHOOK_SECRET = "webhook-secret-for-tests";

let h: Harness;
let server: Awaited<ReturnType<typeof serve>>;

beforeEach(async () => {
  h = openHarness({ env: { GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  server = await serve(dashboardRoutes(h.cp));
});
afterEach(async () => {
  await server.close();
  await h.close();
});

function login(token: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/auth/login`, { method: "POST", headers, body: JSON.stringify({ token }) });
}

function createTask(headers: Record<string, string>) {
  return fetch(`${server.url}/api/trpc/tasks.create`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(superjson.serialize({ type: "demo" })),
  });
}

async function cookieOf(response: Response): Promise<string> {
  expect(response.status).toBe(204);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] as string;
}

async function refusals(reason: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(new RegExp(`^sentinel_http_refusals_total\\{reason="${reason}"\\} (\\d+)$`, "m").exec(text)?.[1]);
}

describe("server-side sessions", () => {
  it("logout revokes the session: a copy of the cookie stops working", async () => {
    const cookie = await cookieOf(await login(TOKEN));
    expect((await createTask({ cookie })).status).toBe(200);
    const logout = await fetch(`${server.url}/api/auth/logout`, { method: "POST", headers: { cookie } });
    expect(logout.status).toBe(204);
    expect((await createTask({ cookie })).status).toBe(401);
  });

  it("survives a restart, but not the rotation of the operator token it logged in with", async () => {
    const cookie = await cookieOf(await login(TOKEN));
    const reopen = async (tokens: string) => {
      await server.close();
      await h.cp.close();
      const cp = createControlPlane({
        store: h.store,
        dataDir: h.dir,
        env: { SENTINEL_OPERATOR_TOKEN: tokens, SENTINEL_SESSION_SECRET: "s".repeat(40) },
        startSyncer: false,
      });
      h = { ...h, cp };
      server = await serve(dashboardRoutes(cp));
    };
    await reopen(OPERATOR_TOKEN);
    expect((await createTask({ cookie })).status).toBe(200);
    await reopen("alice:a-brand-new-token-0123456789");
    expect((await createTask({ cookie })).status).toBe(401);
    // Putting the old token back does not resurrect sessions pruned while it was gone.
    await reopen(OPERATOR_TOKEN);
    expect((await createTask({ cookie })).status).toBe(401);
  });
});

describe("login attempt limit", () => {
  it("backs a guessing client off (even its right token is refused meanwhile) and leaves other clients alone", async () => {
    const attacker = { "x-forwarded-for": "203.0.113.7" };
    const statuses: number[] = [];
    for (let i = 0; i < FREE_FAILURES + 4; i++)
      statuses.push((await login("wrong-token-xxxxxxxxxxxx", attacker)).status);
    expect(statuses.slice(0, FREE_FAILURES + 1)).toEqual(Array(FREE_FAILURES + 1).fill(401));
    expect(statuses.slice(FREE_FAILURES + 1)).toEqual([429, 429, 429]);
    const blocked = await login(TOKEN, attacker);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await cookieOf(await login(TOKEN, { "x-forwarded-for": "198.51.100.2" }));
    expect(await refusals("login_failed")).toBe(FREE_FAILURES + 1);
    expect(await refusals("login_rate_limited")).toBe(4);
  });

  it("bounds guessing from clients that forge a new address each time, without stopping valid bearer tokens", async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < GLOBAL_FAILURES_PER_MINUTE + 5; i++) {
      const status = (await login("wrong-token-xxxxxxxxxxxx", { "x-forwarded-for": `10.0.${i >> 8}.${i & 255}` }))
        .status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    // The attempt that passes the limit is still answered; the ones after it wait.
    expect(Object.fromEntries(statuses)).toEqual({ 401: GLOBAL_FAILURES_PER_MINUTE + 1, 429: 4 });
    expect((await login(TOKEN, { "x-forwarded-for": "192.0.2.1" })).status).toBe(429);
    expect((await createTask({ "x-forwarded-for": "192.0.2.1", authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it("counts wrong bearer tokens against the same limit", async () => {
    const guesser = { "x-forwarded-for": "203.0.113.9" };
    const statuses: number[] = [];
    for (let i = 0; i < FREE_FAILURES + 2; i++)
      statuses.push((await createTask({ ...guesser, authorization: `Bearer guess-${i}-xxxxxxxxxxxxxxxx` })).status);
    expect(statuses).toEqual([...Array(FREE_FAILURES + 1).fill(401), 429]);
    expect((await createTask({ ...guesser, authorization: `Bearer ${TOKEN}` })).status).toBe(429);
    expect((await createTask({ authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });
});

describe("cross-origin mutations", () => {
  it("refuses mutations and logins from another origin, even one on another port of the same host", async () => {
    const cookie = await cookieOf(await login(TOKEN));
    const otherPort = `http://127.0.0.1:${Number(new URL(server.url).port) + 1}`;
    expect((await createTask({ cookie, origin: otherPort })).status).toBe(403);
    expect((await createTask({ cookie, origin: server.url, "sec-fetch-site": "same-site" })).status).toBe(403);
    expect((await createTask({ cookie, origin: "null" })).status).toBe(403);
    expect((await login(TOKEN, { origin: otherPort })).status).toBe(403);
    const logout = await fetch(`${server.url}/api/auth/logout`, {
      method: "POST",
      headers: { cookie, origin: otherPort },
    });
    expect(logout.status).toBe(403);
    expect(await refusals("cross_origin")).toBe(5);
    const health = (await (await fetch(`${server.url}/health`)).json()) as { refusals: Record<string, number> };
    expect(health.refusals.cross_origin).toBe(5);
    // The dashboard's own pages, and clients that are not browsers, still work.
    expect((await createTask({ cookie, origin: server.url, "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await createTask({ cookie })).status).toBe(200);
  });
});

describe("webhook body cap", () => {
  it("stops reading a chunked body at the limit, before the signature is checked", async () => {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(120);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64 * 1024 * 1024) controller.close();
        else {
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        }
      },
    });
    const response = await fetch(`${server.url}/api/webhooks/github`, {
      method: "POST",
      headers: { "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(await refusals("webhook_too_large")).toBe(1);
    const payload = JSON.stringify({ action: "opened" });
    const signature = `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(payload).digest("hex")}`;
    const ok = await fetch(`${server.url}/api/webhooks/github`, {
      method: "POST",
      headers: { "x-hub-signature-256": signature },
      body: payload,
    });
    expect(ok.status).toBe(202);
  });
});
