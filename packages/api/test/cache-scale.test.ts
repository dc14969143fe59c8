import type { Task, TaskState, WorkerRecord } from "@sentinel/coordination";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "../src/cache/open-cache.js";
import {
  deadSinceByTypeQuery,
  decodeCursor,
  taskPageQuery,
  taskStateCountsQuery,
  waitingTypesQuery,
} from "../src/cache/task-queries.js";
import { upsertTask } from "../src/cache/task-rows.js";
import { recordHeartbeat, upsertWorker } from "../src/cache/worker-rows.js";
import { type Harness, openHarness, registration } from "./fixtures.js";

const TASKS = 100_000;
const WORKERS = 1_000;
const STATES: TaskState[] = ["queued", "running", "succeeded", "failed", "dead", "cancelled"];

let h: Harness;
let cache: Cache;

beforeAll(() => {
  h = openHarness();
  cache = h.cp.cache;
  const now = Date.now();
  cache.sqlite.transaction(() => {
    for (let i = 0; i < WORKERS; i++) {
      const worker: WorkerRecord = {
        // Leases (and, below, the timeline window) far longer than the fill: on a loaded machine
        // filling 100,000 rows can outlast a default lease or a one-minute window.
        ...registration(`w${i}`, { supportedTaskTypes: [`type-${i % 20}`], leaseMs: 6 * 3_600_000 }),
        state: i % 10 === 0 ? "STALE" : "ACTIVE",
        activeTasks: i % 4,
        registeredAt: now - 3_600_000,
        lastHeartbeatAt: now,
        stateChangedAt: now,
        drainRequested: false,
      };
      upsertWorker(cache.db, worker);
      recordHeartbeat(cache.db, { workerId: worker.id, at: now, activeTasks: worker.activeTasks, state: worker.state });
    }
    for (let i = 0; i < TASKS; i++) {
      const task: Task = {
        id: `t${String(i).padStart(6, "0")}`,
        type: `type-${i % 25}`,
        title: `job number ${i}`,
        priority: 0,
        params: { customer: `cust-${i % 997}`, n: i },
        state: STATES[i % STATES.length]!,
        attempts: 1,
        maxAttempts: 3,
        timeoutMs: 60_000,
        runAt: now,
        pinnedWorkerId: null,
        affinityKey: null,
        dependsOn: [],
        onDependencyFailure: "cancel",
        workerId: `w${i % WORKERS}`,
        fencingToken: 1,
        result: null,
        lastError: null,
        createdAt: now - TASKS + i,
        updatedAt: now,
        startedAt: null,
        finishedAt: null,
      };
      upsertTask(cache.db, task);
    }
  })();
}, 120_000);
afterAll(async () => h.close());

function plan(query: { toSQL(): { sql: string; params: unknown[] } }): string {
  const { sql, params } = query.toSQL();
  const rows = cache.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as unknown[])) as Array<{
    detail: string;
  }>;
  return rows.map((r) => r.detail).join("\n");
}

/** A full table scan of tasks shows as "SCAN tasks" without an index; every page must avoid it. */
function expectIndexed(detail: string, index: string): void {
  expect(detail).toContain(index);
  expect(detail).not.toMatch(/SCAN tasks(?! USING)/);
}

describe("cache at 100,000 tasks and 1,000 workers", () => {
  const cursor = decodeCursor(Buffer.from(JSON.stringify([Date.now() - 50_000, "t050000"])).toString("base64url"));

  it("pages by state, type and worker through their indexes (with and without a cursor)", () => {
    expectIndexed(plan(taskPageQuery(cache.db, { states: ["failed"] }, { limit: 50 })), "tasks_state_created_idx");
    expectIndexed(
      plan(taskPageQuery(cache.db, { states: ["failed"] }, { limit: 50, cursor })),
      "tasks_state_created_idx",
    );
    expectIndexed(plan(taskPageQuery(cache.db, { types: ["type-3"] }, { limit: 50 })), "tasks_type_created_idx");
    expectIndexed(plan(taskPageQuery(cache.db, { workerId: "w7" }, { limit: 50 })), "tasks_worker_created_idx");
    expectIndexed(plan(taskPageQuery(cache.db, {}, { limit: 50, cursor })), "tasks_created_idx");
  });

  it("searches text through the trigram index", () => {
    const detail = plan(taskPageQuery(cache.db, { search: "cust-42" }, { limit: 50 }));
    expect(detail).toMatch(/VIRTUAL TABLE INDEX \d+:M/);
  });

  it("computes the overview's counts from the kept counts and covering indexes", () => {
    expect(plan(taskStateCountsQuery(cache.db))).not.toMatch(/\btasks\b/);
    expect(plan(waitingTypesQuery(cache.db))).toContain("USING COVERING INDEX tasks_state_type_idx");
    expect(plan(deadSinceByTypeQuery(cache.db, Date.now() - 60_000))).toContain(
      "USING COVERING INDEX tasks_state_updated_idx (state=? AND updated_at>?)",
    );
  });

  it("answers the overview and a filtered, searched page through the router", async () => {
    const overview = await h.anonymous.overview.get();
    const workers = await h.anonymous.workers.summary();
    expect(workers.total).toBe(WORKERS);
    expect(workers.byState.STALE).toBe(100);
    const waiting = Array.from({ length: TASKS }, (_, i) => STATES[i % STATES.length]).filter(
      (s) => s === "queued" || s === "failed",
    ).length;
    expect(overview.queue.depth).toBe(waiting);
    // Every tenth worker is STALE, and those are exactly the ones supporting type-0 and type-10; nobody supports type-20…24.
    const unsupported = overview.alerts.filter((a) => a.code === "no_worker_for_type").map((a) => a.subject);
    expect(unsupported.sort()).toEqual(["type-0", "type-10", "type-20", "type-21", "type-22", "type-23", "type-24"]);

    expect(overview.alerts.find((a) => a.code === "stale_workers")?.message).toMatch(
      /^100 stale worker\(s\): (w\d+, ){9}w\d+ and 90 more$/,
    );

    const page = await h.anonymous.tasks.list({ states: ["queued"], types: ["type-0"], limit: 20 });
    expect(page.items).toHaveLength(20);
    expect(page.items.every((t) => t.state === "queued" && t.type === "type-0")).toBe(true);
    const next = await h.anonymous.tasks.list({
      states: ["queued"],
      types: ["type-0"],
      limit: 20,
      cursor: page.nextCursor,
    });
    expect(next.items[0]!.createdAt).toBeLessThan(page.items.at(-1)!.createdAt);

    const found = await h.anonymous.tasks.list({ search: "CUST-996", limit: 200 });
    expect(found.items.length).toBeGreaterThan(0);
    expect(found.items.every((t) => (t.params as { customer: string }).customer === "cust-996")).toBe(true);
  });

  it("pages, searches and summarises a thousand workers, and batches a page's timelines", async () => {
    const page = await h.anonymous.workers.list({ limit: 25 });
    expect(page.total).toBe(WORKERS);
    expect(page.items).toHaveLength(25);
    const stale = await h.anonymous.workers.list({ state: "STALE", search: "w99", limit: 25 });
    expect(stale.items.map((w) => w.id).sort()).toEqual(["w990"]);
    const summary = await h.anonymous.workers.summary({ top: 10 });
    expect(summary.leaseLive).toBe(900);
    expect(summary.busiest).toHaveLength(10);
    expect(summary.busiest.every((w) => w.activeTasks === 3 && w.state === "ACTIVE")).toBe(true);
    const timelines = await h.anonymous.workers.timelines({
      workerIds: page.items.map((w) => w.id),
      windowMs: 3_600_000,
    });
    expect(timelines.timelines.map((t) => t.workerId)).toEqual(page.items.map((w) => w.id));
    expect(timelines.timelines.every((t) => t.heartbeats.length === 1)).toBe(true);
  });
});
