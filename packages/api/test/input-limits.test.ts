import { join } from "node:path";
import { LIMITS, newTaskSchema } from "@sentinel/coordination";
import Database from "better-sqlite3";
import superjson from "superjson";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dashboardRoutes } from "./dashboard-routes.js";
import { type Harness, openHarness, serve } from "./fixtures.js";

let h: Harness;
let server: Awaited<ReturnType<typeof serve>>;

beforeEach(async () => {
  h = openHarness();
  server = await serve(dashboardRoutes(h.cp));
});
afterEach(async () => {
  await server.close();
  await h.close();
});

/** JSON text of `{"a":{"a":…1}}`, built as text: the value itself could not be serialised. */
function nestedText(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
}

function createRaw(body: string | ReadableStream<Uint8Array>) {
  return fetch(`${server.url}/api/trpc/tasks.create`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: h.cookie },
    body,
    duplex: "half",
  } as RequestInit);
}

/** A tRPC GET; `T` names the fields of the result the caller reads. */
async function query<T>(path: string, input: unknown) {
  const response = await fetch(
    `${server.url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`,
  );
  return { status: response.status, body: (await response.json()) as { result?: { data: { json: T } } } };
}

async function refusals(reason: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const match = new RegExp(`^sentinel_http_refusals_total\\{reason="${reason}"\\} (\\d+)$`, "m").exec(text);
  return Number(match?.[1] ?? Number.NaN);
}

describe("size and depth limits at the tRPC entry", () => {
  it.each([2_500, 30_000])(
    "refuses params nested %i levels with a 400 naming the limit, and lists still work",
    async (levels) => {
      const response = await createRaw(`{"json":{"type":"demo","params":${nestedText(levels)}}}`);
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toContain(`nested deeper than ${LIMITS.jsonDepth} levels`);
      expect(await refusals("input_too_deep")).toBe(1);
      // A URL holds fewer levels (Node refuses long request heads), but the same scan applies to it.
      const deepQuery = await fetch(
        `${server.url}/api/trpc/tasks.list?input=${encodeURIComponent(`{"json":${nestedText(500)}}`)}`,
      );
      expect(deepQuery.status).toBe(400);
      await h.cp.syncer.syncOnce();
      expect((await query("tasks.list", {})).status).toBe(200);
    },
  );

  it("refuses params just past the limit through the input schema, naming params", async () => {
    const response = await createRaw(`{"json":{"type":"demo","params":${nestedText(LIMITS.jsonDepth + 1)}}}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { json: { message: string; data: { fields: string[] } } } };
    expect(body.error.json.data.fields).toEqual(["params"]);
    expect(body.error.json.message).toContain(`at most ${LIMITS.jsonDepth} levels deep`);
    const atLimit = await createRaw(`{"json":{"type":"demo","params":${nestedText(LIMITS.jsonDepth)}}}`);
    expect(atLimit.status).toBe(200);
  });

  it("refuses bodies over the size limit, declared or chunked, without buffering them", async () => {
    const big = `{"json":{"type":"demo","params":{"s":"${"x".repeat(LIMITS.requestBodyBytes)}"}}}`;
    expect((await createRaw(big)).status).toBe(413);
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far past the limit if the server kept reading: it must stop at the limit.
        if (sent > 4 * LIMITS.requestBodyBytes) controller.close();
        else {
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        }
      },
    });
    expect((await createRaw(stream)).status).toBe(413);
    expect(await refusals("body_too_large")).toBe(2);
  });

  it("shows a stored row beyond the limits as too large to display, without breaking list or get", async () => {
    const poisoned = await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    const fine = await h.store.createTask(newTaskSchema.parse({ type: "demo", params: { ok: true } }), "test");
    // Written behind the store's back, as an older version or another writer could have.
    const raw = new Database(join(h.dir, "store.db"));
    raw
      .prepare("UPDATE tasks SET params = ?, result = ? WHERE id = ?")
      .run(nestedText(30_000), nestedText(3_000), poisoned.id);
    raw.close();
    await h.cp.syncer.syncOnce();

    type Shown = { id: string; params: { message?: string }; result: { message?: string } };
    const list = await query<{ items: Shown[] }>("tasks.list", {});
    expect(list.status).toBe(200);
    const items = list.body.result!.data.json.items;
    const shown = items.find((t) => t.id === poisoned.id)!;
    expect(shown.params.message).toMatch(/^too large to display/);
    expect(shown.result.message).toMatch(/^too large to display/);
    expect(items.find((t) => t.id === fine.id)?.params).toEqual({ ok: true });

    const get = await query<{ task: { id: string; params: { tooLargeToDisplay?: boolean } } }>("tasks.get", {
      taskId: poisoned.id,
    });
    expect(get.status).toBe(200);
    expect(get.body.result!.data.json.task.id).toBe(poisoned.id);
    expect(get.body.result!.data.json.task.params.tooLargeToDisplay).toBe(true);
  });
});
