import { newTaskSchema } from "@sentinel/coordination";
import { openSqliteStore, type SqliteStore } from "@sentinel/coordination/sqlite";
import { waitFor } from "@sentinel/test-support";
import { openTempStore, type TempStore } from "@sentinel/test-support/store";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CANDIDATES, NTH_NEWEST } from "../../src/store/sqlite/task-retention.js";
import { LIST_CLAIMABLE } from "../../src/store/sqlite/tasks.js";

describe("sqlite hot paths", () => {
  let temp: TempStore;
  beforeEach(() => {
    temp = openTempStore();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it("the claim poll walks tasks_claimable_idx in order: no temp B-tree, no scan of the whole table", () => {
    const db = new Database(temp.path, { readonly: true });
    try {
      const plan = (
        db
          .prepare(`EXPLAIN QUERY PLAN ${LIST_CLAIMABLE}`)
          .all({ now: 0, types: "[]", workerId: "w", limit: 10 }) as Array<{ detail: string }>
      ).map((r) => r.detail);
      expect(plan.find((d) => /^(SCAN|SEARCH) t /.test(d))).toMatch(/USING INDEX tasks_claimable_idx/);
      expect(plan.some((d) => d.includes("TEMP B-TREE"))).toBe(false);
    } finally {
      db.close();
    }
  });

  it("retention finds finished tasks through tasks_finished_idx, not by scanning the live ones", () => {
    const db = new Database(temp.path, { readonly: true });
    try {
      for (const [sql, params] of [
        [CANDIDATES, [0, 10]],
        [NTH_NEWEST, [5]],
      ] as const) {
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map(
          (r) => r.detail,
        );
        expect(plan.find((d) => /^(SCAN|SEARCH) tasks /.test(d))).toMatch(/USING INDEX tasks_finished_idx/);
        expect(plan.some((d) => d.includes("TEMP B-TREE"))).toBe(false);
      }
    } finally {
      db.close();
    }
  });

  it("lists claimable tasks by priority, then age, skipping non-claimable states", async () => {
    const store = temp.store;
    const low = await store.createTask(newTaskSchema.parse({ type: "demo", priority: 1 }), "test");
    const high = await store.createTask(newTaskSchema.parse({ type: "demo", priority: 5 }), "test");
    const lowLater = await store.createTask(newTaskSchema.parse({ type: "demo", priority: 1 }), "test");
    const cancelled = await store.createTask(newTaskSchema.parse({ type: "demo", priority: 9 }), "test");
    await store.cancelTask(cancelled.id, { actor: "operator:test", reason: "test" });
    const listed = await store.listClaimable({ types: ["demo"], workerId: "w", limit: 10 });
    expect(listed.map((t) => t.id)).toEqual([high.id, low.id, lowLater.id]);
  });

  it("changeMarker moves when another connection commits, and when this one does", async () => {
    const store: SqliteStore = temp.store;
    const other = openSqliteStore({ path: temp.path });
    try {
      const first = await store.changeMarker();
      expect(await store.changeMarker()).toBe(first);
      await other.createTask(newTaskSchema.parse({ type: "demo" }), "test");
      const second = await store.changeMarker();
      expect(second).not.toBe(first);
      await store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
      expect(await store.changeMarker()).not.toBe(second);
    } finally {
      await other.close();
    }
  });

  it("watchChanges hints at another connection's commit, and stops when told", async () => {
    const store: SqliteStore = temp.store;
    const other = openSqliteStore({ path: temp.path });
    let hints = 0;
    const stop = store.watchChanges(() => {
      hints++;
    });
    try {
      await other.createTask(newTaskSchema.parse({ type: "demo" }), "test");
      await waitFor(() => hints > 0, 5000);
      stop();
      // Past any event already queued for the stopped watch, a further commit is not reported.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const before = hints;
      await other.createTask(newTaskSchema.parse({ type: "demo" }), "test");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(hints).toBe(before);
    } finally {
      stop();
      await other.close();
    }
  });
});
