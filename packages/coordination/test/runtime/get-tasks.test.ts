import { rmSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "@sentinel/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newTaskSchema } from "../../src/domain/task.js";
import { getTasks } from "../../src/runtime/steps/get-tasks.js";
import type { CoordinationStore } from "../../src/store/port.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/store.js";

describe("getTasks: how many candidates the claim poll reads", () => {
  let dir: string;
  let store: SqliteStore;
  /** The real store, with the limit of every claim poll written down. */
  let recording: CoordinationStore;
  let limits: number[];

  beforeEach(async () => {
    dir = tempDir("sentinel-runtime").path;
    store = openSqliteStore({ path: join(dir, "sentinel.db") });
    limits = [];
    recording = new Proxy(store, {
      get(target, key, receiver) {
        if (key === "listClaimable")
          return (opts: Parameters<SqliteStore["listClaimable"]>[0]) => {
            limits.push(opts.limit);
            return target.listClaimable(opts);
          };
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    for (let i = 0; i < 60; i++) await store.createTask(newTaskSchema.parse({ type: "noop" }), "operator:test");
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const keepAll = async (tasks: Awaited<ReturnType<CoordinationStore["listClaimable"]>>) => tasks;
  const poll = (freeSlots: number, options: { peers?: number; balanced?: boolean }) =>
    getTasks({
      store: recording,
      workerId: "w1",
      types: ["noop"],
      freeSlots,
      balance: options.balanced === false ? null : keepAll,
      ...(options.peers === undefined ? {} : { peers: options.peers }),
    });

  it("reads free slots × peers (at most 4 per slot) for the strategy, and only the free slots when nobody shares them", async () => {
    expect(await poll(10, { peers: 1 })).toHaveLength(10);
    expect(await poll(10, { peers: 2 })).toHaveLength(10);
    expect(await poll(10, { peers: 9 })).toHaveLength(10);
    expect(await poll(10, {})).toHaveLength(10);
    expect(await poll(2, { peers: 2 })).toHaveLength(2);
    expect(await poll(10, { peers: 3, balanced: false })).toHaveLength(10);
    // Unknown peers: as many as the most a strategy could need; a small poll keeps a floor of 16 for the strategy to choose from.
    expect(limits).toEqual([10, 20, 40, 40, 16, 10]);
  });
});
