import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { openSqliteStore } from "@sentinel/coordination/sqlite";
import { tempDir, waitFor } from "@sentinel/test-support";
import {
  killAllProcesses,
  launchTsx,
  launchWorker,
  MINIMAL_ENV,
  REPO_ROOT,
  stopAllProcesses,
  waitForMessage,
  waitForRegistered,
} from "@sentinel/test-support/processes";
import { afterEach, describe, expect, it } from "vitest";

afterEach(killAllProcesses);

const SLOTS = 6;

/**
 * Issue 12: "a cron slot fired once with 4 worker processes and 2 control planes racing".
 * Every one of the six processes runs the scheduler loop against one SQLite file; the store's
 * own history is replayed afterwards.
 */
describe("a schedule fired by 4 worker processes and 2 control planes at once", () => {
  it("creates each slot's task exactly once, for every slot (interval and cron), and the workers run them", async () => {
    const dir = tempDir("sentinel-schedules").path;
    const dbPath = join(dir, "store.db");
    const store = openSqliteStore({ path: dbPath });
    try {
      const env = { SENTINEL_SQLITE_PATH: dbPath, HEARTBEAT_INTERVAL_MS: "200", WORKER_POLL_INTERVAL_MS: "100" };
      const workers = ["sw-a", "sw-b", "sw-c", "sw-d"].map((id) => launchWorker({ id, baseEnv: MINIMAL_ENV, env }));
      const planes = ["cp-1", "cp-2"].map((label) => {
        const cpDir = join(dir, label);
        mkdirSync(cpDir);
        return launchTsx(join(REPO_ROOT, "packages/api/test/support/scheduling-control-plane.ts"), {
          label,
          baseEnv: MINIMAL_ENV,
          env: { SENTINEL_SQLITE_PATH: dbPath, SENTINEL_DATA_DIR: cpDir },
          ipc: true,
        });
      });
      await Promise.all(
        planes.map((p) => waitForMessage(p.child, (m): m is "ready" => m === "ready", 150_000, p.label)),
      );
      await waitForRegistered(store, workers, 150_000);

      // Catch-up "all": a slot a loaded machine reaches late still fires, so every slot must appear.
      const every = await store.createSchedule(
        { name: "every-second", timing: { every: "1s" }, task: { type: "echo" }, catchUp: "all", catchUpMax: 100 },
        "operator:test",
      );
      const cron = await store.createSchedule(
        {
          name: "cron-seconds",
          timing: { cron: "*/2 * * * * *" },
          task: { type: "echo" },
          catchUp: "all",
          catchUpMax: 100,
        },
        "operator:test",
      );
      await waitFor(async () => (await store.listScheduleRuns(cron.id, 100)).length >= SLOTS, 90_000);
      await stopAllProcesses();

      const events = await store.readEvents(0, 10_000);
      const fired = events.filter((e) => e.kind === "schedule.fired");
      for (const schedule of [every, cron]) {
        const runs = (await store.listScheduleRuns(schedule.id, 1000)).sort((a, b) => a.slotAt - b.slotAt);
        const slots = fired.filter((e) => e.data.scheduleId === schedule.id).map((e) => e.data.slotAt as number);
        // Exactly once: no slot fired twice, each fired slot has one run row and one task.
        expect(new Set(slots).size).toBe(slots.length);
        expect(slots.sort((a, b) => a - b)).toEqual(runs.map((r) => r.slotAt));
        // Every slot from the first to the last fired: none lost between racing processes.
        const step = schedule === every ? 1000 : 2000;
        const first = runs[0]?.slotAt ?? 0;
        expect(runs.map((r) => r.slotAt)).toEqual(runs.map((_, i) => first + i * step));
        const created = events.filter((e) => e.kind === "task.created" && e.actor === `schedule:${schedule.name}`);
        expect(created.map((e) => e.taskId).sort()).toEqual(runs.map((r) => r.taskId).sort());
      }
      // Which process fires a slot is not asserted: all six tick every second, and on a quiet
      // machine the one whose tick phase comes first after each slot may fire every one of them
      // (a fresh-clone CI run saw exactly that). The tasks ran.
      const ran = await store.listTasks({ states: ["succeeded"], limit: 500 });
      expect(ran.items.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  }, 400_000);
});
