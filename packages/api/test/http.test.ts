import { newTaskSchema } from "@sentinel/coordination";
import superjson from "superjson";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWebhookVerifier } from "../src/server/github-webhook.js";
import { dashboardRoutes } from "./dashboard-routes.js";
import { type Harness, openHarness, registration, serve } from "./fixtures.js";

const WEBHOOK_SECRET = "It's a Secret to Everybody";

let h: Harness;
let server: Awaited<ReturnType<typeof serve>>;

beforeEach(async () => {
  h = openHarness({ env: { GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET }, startSyncer: true });
  server = await serve(dashboardRoutes(h.cp));
});
afterEach(async () => {
  await server.close();
  await h.close();
});

function mutate(path: string, input: unknown, cookie?: string) {
  return fetch(`${server.url}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(superjson.serialize(input)),
  });
}

describe("tRPC over HTTP", () => {
  it("login sets a strict httpOnly session cookie that authorises mutations; logout clears it", async () => {
    expect((await mutate("tasks.create", { type: "demo" })).status).toBe(401);
    expect(
      (
        await fetch(`${server.url}/api/auth/login`, {
          method: "POST",
          body: JSON.stringify({ token: "wrong-token-xxxxxxxxxxxx" }),
        })
      ).status,
    ).toBe(401);
    expect((await fetch(`${server.url}/api/auth/login`, { method: "POST", body: "{not json" })).status).toBe(400);
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      body: JSON.stringify({ token: "alice-secret-token-0123456789" }),
    });
    expect(login.status).toBe(204);
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^sentinel_session=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+; Expires=/);
    const cookie = setCookie.split(";")[0]!;
    const created = await mutate("tasks.create", { type: "demo", params: { n: 1 } }, cookie);
    expect(created.status).toBe(200);
    const body = (await created.json()) as { result: { data: { json: { id: string; state: string } } } };
    expect(body.result.data.json.state).toBe("queued");
    const logout = await fetch(`${server.url}/api/auth/logout`, { method: "POST" });
    expect(logout.headers.get("set-cookie")).toContain("Max-Age=0");
  });

  it("answers malformed requests with 4xx naming the field, never 500", async () => {
    const login = h.cp.auth.login("alice-secret-token-0123456789");
    const cookie = login.ok ? login.setCookie.split(";")[0]! : "";
    const badType = await mutate("tasks.create", { type: 42 }, cookie);
    expect(badType.status).toBe(400);
    const error = (await badType.json()) as { error: { json: { message: string; data: { fields: string[] } } } };
    expect(error.error.json.message).toContain("type");
    expect(error.error.json.data.fields).toEqual(["type"]);

    const notJson = await fetch(`${server.url}/api/trpc/tasks.create`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: "{oops",
    });
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);

    const badQuery = await fetch(
      `${server.url}/api/trpc/tasks.list?input=${encodeURIComponent('{"json":{"limit":"many"}}')}`,
    );
    expect(badQuery.status).toBe(400);
    const garbledQuery = await fetch(`${server.url}/api/trpc/tasks.list?input=%7B%7B`);
    expect(garbledQuery.status).toBeGreaterThanOrEqual(400);
    expect(garbledQuery.status).toBeLessThan(500);
    const unknown = await fetch(`${server.url}/api/trpc/tasks.nothing`);
    expect(unknown.status).toBe(404);
  });

  it("live subscription streams change ids over SSE and resumes from lastEventId", async () => {
    await h.cp.syncer.syncOnce();
    const start = (
      await readSse(
        `${server.url}/api/trpc/live?input=${encodeURIComponent(JSON.stringify(superjson.serialize({})))}`,
        1,
        async () => {
          await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
        },
      )
    )[0]!;
    expect(start.data.kinds).toContain("tasks");

    // Changes made while no one is connected…
    await h.store.registerWorker(registration("w1"));
    await h.cp.syncer.syncOnce();
    await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    await h.cp.syncer.syncOnce();
    // …are back-filled from the cache's change log on reconnect with Last-Event-ID.
    const resumed = await readSse(`${server.url}/api/trpc/live`, 2, async () => undefined, {
      "last-event-id": start.id,
    });
    expect(resumed.map((e) => Number(e.id))).toEqual([Number(start.id) + 1, Number(start.id) + 2]);
    expect(resumed.flatMap((e) => e.data.kinds)).toEqual(expect.arrayContaining(["workers", "tasks"]));
  });
});

interface SseEvent {
  id: string;
  data: { changeId: number; kinds: string[] };
}

/** Read `count` data events from a tRPC SSE stream, running `act` once connected. */
async function readSse(
  url: string,
  count: number,
  act: () => Promise<void>,
  headers: Record<string, string> = {},
): Promise<SseEvent[]> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = "";
  let acted = false;
  const deadline = setTimeout(() => controller.abort(), 5_000);
  try {
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let boundary = buffer.indexOf("\n\n"); boundary !== -1; boundary = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const field = (name: string) =>
          block
            .split("\n")
            .find((l) => l.startsWith(`${name}:`))
            ?.slice(name.length + 1)
            .trim();
        const event = field("event");
        if (event === "connected" && !acted) {
          acted = true;
          await act();
        }
        const id = field("id");
        const data = field("data");
        if (!event && id && data)
          events.push({ id, data: superjson.deserialize(JSON.parse(data)) as SseEvent["data"] });
      }
    }
  } finally {
    clearTimeout(deadline);
    controller.abort();
  }
  expect(events.length).toBe(count);
  return events;
}

describe("webhook", () => {
  it("verifies GitHub's documented test vector", async () => {
    const verify = createWebhookVerifier(WEBHOOK_SECRET);
    expect(
      await verify("Hello, World!", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
    ).toBe(true);
    expect(
      await verify("Hello, World?", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
    ).toBe(false);
  });

  it("refuses a missing or bad signature with 401 and accepts a good one", async () => {
    const post = (headers: Record<string, string>, body = "Hello, World!") =>
      fetch(`${server.url}/api/webhooks/github`, { method: "POST", headers, body });
    expect((await post({})).status).toBe(401);
    expect((await post({ "x-hub-signature-256": "sha256=00" })).status).toBe(401);
    expect(
      (
        await post(
          { "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" },
          "tampered",
        )
      ).status,
    ).toBe(401);
    const ok = await post({
      "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      "x-github-event": "issue_comment",
    });
    expect(ok.status).toBe(202);
  });
});

describe("health and metrics", () => {
  it("GET /cluster/health has the documented shape", async () => {
    await h.store.registerWorker(registration("w1", { maxConcurrency: 5 }));
    await h.store.heartbeat("w1", { activeTasks: 2 });
    await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    await h.cp.syncer.syncOnce();
    const response = await fetch(`${server.url}/cluster/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "healthy",
      total_workers: 1,
      healthy_workers: 1,
      total_capacity: 5,
      utilized_capacity: 2,
      tasks_queued: 1,
      tasks_in_progress: 0,
      tasks_stalled: 0,
    });
  });

  it("GET /health reports the syncer and GET /metrics serves Prometheus text", async () => {
    await h.store.registerWorker(registration("w1"));
    await h.cp.syncer.syncOnce();
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "healthy", component: "control-plane", backend: "sqlite" });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('sentinel_workers{state="ACTIVE"} 1');
    expect(metrics).toContain("sentinel_queue_depth 0");
    expect(metrics).toMatch(/sentinel_tasks_succeeded_total \d+/);
    expect(metrics).toMatch(/sentinel_syncer_lag_seconds \d/);
  });
});
