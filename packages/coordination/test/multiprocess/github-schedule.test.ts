import { waitFor } from "@sentinel/test-support";
import { closeEmulatorsAfterEach, openTestStore, startTestEmulator, TOKENS } from "@sentinel/test-support/emulator";
import { killAllProcesses, waitForRegistered } from "@sentinel/test-support/processes";
import { afterEach, describe, expect, it } from "vitest";
import { githubWorkerEnv, spawnWorker } from "./worker-process.js";

afterEach(killAllProcesses);
closeEmulatorsAfterEach();

const INTERVAL_MS = 2000;
const PROCESSES = 4;

/**
 * Four worker processes, each running the scheduler loop (once a second), race to fire the
 * slots of one schedule over the emulator with GitHub's read lag. The slot claims are settled
 * in GitHub's comment order (store/github/schedule-fold.ts): each slot fires once, with one
 * task (created by its winner after the claim settles), and no slot between the first and the
 * last is lost.
 */
describe("a GitHub schedule fired by four racing worker processes", () => {
  it("fires every slot exactly once, each with exactly one task", async () => {
    const emulator = await startTestEmulator({ secondaryRateLimit: false, faults: { readLagMs: 200 } });
    const store = await openTestStore(emulator);
    try {
      const workers = Array.from({ length: PROCESSES }, (_, i) =>
        spawnWorker({ id: `sched-${i}`, env: githubWorkerEnv(emulator.url, TOKENS.bot) }),
      );
      await waitForRegistered(store, workers, 120_000);
      const schedule = await store.createSchedule(
        // Every missed slot fires: a process held back past a slot on a loaded machine must
        // not make the latest-only policy skip one (this test is about the race, not catch-up).
        { name: "raced", timing: { every: `${INTERVAL_MS / 1000}s` }, catchUp: "all", task: { type: "echo" } },
        "operator:test",
      );
      await waitFor(async () => (await store.listScheduleRuns(schedule.id, 100)).length >= 5, {
        timeoutMs: 60_000,
        intervalMs: 500,
        what: "five slots fired",
      });
      await store.editSchedule(schedule.id, { paused: true }, "operator:test");
      // Claims in flight when the pause landed settle (and lose) within a settle delay or two.
      await new Promise((resolve) => setTimeout(resolve, 3000));

      const runs = [...(await store.listScheduleRuns(schedule.id, 1000))].sort((a, b) => a.slotAt - b.slotAt);
      // A slot shows as fired once its claim wins; its winner creates the task a settle delay
      // and a request later, which a loaded machine can stretch to seconds.
      await waitFor(async () => (await Promise.all(runs.map((r) => store.getTask(r.taskId)))).every(Boolean), {
        timeoutMs: 60_000,
        intervalMs: 500,
        what: "the task of every fired slot",
      });
      const slots = runs.map((r) => r.slotAt);
      expect(new Set(slots).size).toBe(slots.length);
      const first = slots[0] ?? 0;
      const last = slots[slots.length - 1] ?? 0;
      expect(slots).toEqual(
        Array.from({ length: (last - first) / INTERVAL_MS + 1 }, (_, k) => first + k * INTERVAL_MS),
      );
      expect(new Set(runs.map((r) => r.taskId)).size).toBe(runs.length);
      const events = await store.readEvents(0, 10_000);
      const fired = events.filter((e) => e.kind === "schedule.fired" && e.data.scheduleId === schedule.id);
      expect(fired.map((e) => e.data.slotAt).sort()).toEqual([...slots].sort());
      const created = events.filter((e) => e.kind === "task.created" && e.actor === "schedule:raced");
      expect(created.map((e) => e.taskId).sort()).toEqual(runs.map((r) => r.taskId).sort());
      for (const run of runs) expect((await store.getTask(run.taskId))?.type).toBe("echo");
      const firedBy = new Set(runs.map((r) => r.firedBy));
      console.info(
        `[measure] ${runs.length} slots of a ${INTERVAL_MS} ms schedule, ${PROCESSES} processes racing: each fired once (by ${firedBy.size} distinct processes)`,
      );
      for (const w of workers) w.child.kill("SIGTERM");
      await Promise.all(workers.map((w) => w.exited));
    } finally {
      await store.close();
    }
  }, 240_000);
});
