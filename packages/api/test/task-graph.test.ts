import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { newTaskSchema } from "@sentinel/coordination";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, openHarness } from "./fixtures.js";

let h: Harness;
afterEach(async () => h?.close());

const BACKFILL = readFileSync(
  fileURLToPath(new URL("../../../drizzle/cache/0008_task_dependencies.sql", import.meta.url)),
  "utf8",
)
  .split("--> statement-breakpoint")
  .find((statement) => statement.includes("INSERT OR IGNORE"));

describe("tasks.get: the task's dependency graph", () => {
  it("lists what a task waits for and what waits for it, with their states", async () => {
    h = openHarness();
    const a = await h.store.createTask(newTaskSchema.parse({ type: "demo", title: "build" }), "test");
    const other = await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    const b = await h.operator.tasks.create({ type: "demo", title: "deploy", dependsOn: [a.id, other.id] });
    const c = await h.operator.tasks.create({ type: "demo", dependsOn: [b.id], onDependencyFailure: "fail" });
    await h.store.cancelTask(other.id, { actor: "test", reason: "no longer needed" });
    await h.cp.syncer.syncOnce();

    const { graph } = await h.anonymous.tasks.get({ taskId: b.id });
    expect(graph.dependencies).toEqual([
      { id: a.id, title: "build", type: "demo", state: "queued" },
      { id: other.id, title: other.title, type: "demo", state: "cancelled" },
    ]);
    // A cancelled dependency dooms b (policy cancel), and c in turn (policy fail: dead).
    expect(graph.dependents).toEqual([{ id: c.id, title: c.title, type: "demo", state: "dead" }]);
    expect(graph.moreDependents).toBe(0);
    expect((await h.anonymous.tasks.get({ taskId: a.id })).graph).toEqual({
      dependencies: [],
      dependents: [{ id: b.id, title: "deploy", type: "demo", state: "cancelled" }],
      moreDependents: 0,
    });
    expect((await h.anonymous.tasks.get({ taskId: c.id })).graph.dependents).toEqual([]);
  });

  it("shows the first 50 dependents, oldest first, and how many more there are", async () => {
    h = openHarness();
    const a = await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    const created = [];
    for (let i = 0; i < 52; i++)
      created.push(await h.store.createTask(newTaskSchema.parse({ type: "demo", dependsOn: [a.id] }), "test"));
    await h.cp.syncer.syncOnce();
    const { graph } = await h.anonymous.tasks.get({ taskId: a.id });
    // Oldest first by (createdAt, id): tasks created within one millisecond order by id.
    const oldestFirst = created.sort((x, y) => x.createdAt - y.createdAt || (x.id < y.id ? -1 : 1)).map((t) => t.id);
    expect(graph.dependents.map((n) => n.id)).toEqual(oldestFirst.slice(0, 50));
    expect(graph.moreDependents).toBe(2);
  });

  it("the migration fills the edges of tasks cached before the edge table existed", async () => {
    h = openHarness();
    const a = await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    const b = await h.operator.tasks.create({ type: "demo", dependsOn: [a.id] });
    await h.cp.syncer.syncOnce();
    h.cp.cache.sqlite.exec("DELETE FROM task_dependencies");
    expect((await h.anonymous.tasks.get({ taskId: a.id })).graph.dependents).toEqual([]);
    expect(BACKFILL).toBeDefined();
    h.cp.cache.sqlite.exec(BACKFILL ?? "");
    expect((await h.anonymous.tasks.get({ taskId: a.id })).graph.dependents.map((n) => n.id)).toEqual([b.id]);
  });
});
