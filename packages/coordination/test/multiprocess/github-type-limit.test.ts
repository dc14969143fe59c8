import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir, waitFor } from "@sentinel/test-support";
import { closeEmulatorsAfterEach, openTestStore, startTestEmulator, TOKENS } from "@sentinel/test-support/emulator";
import { killAllProcesses, waitForRegistered } from "@sentinel/test-support/processes";
import { afterEach, describe, expect, it } from "vitest";
import type { StoreEvent } from "../../src/domain/events.js";
import { taskInput } from "../../src/store/contract/harness.js";
import { noTaskPending, readAllEvents } from "./invariants.js";
import { githubWorkerEnv, spawnWorker } from "./worker-process.js";

afterEach(killAllProcesses);
closeEmulatorsAfterEach();

const LIMIT = 3;
const TASKS = 12;
const PROCESSES = 4;
const READ_LAG_MS = 1000;
const ENDS = new Set(["task.succeeded", "task.failed", "task.dead", "task.cancelled", "task.requeued"]);

/**
 * The most attempts running at one instant, by the store's event history: each start and end
 * is dated by the store clock its writer estimated (GitHub's time); at a tie the end counts first.
 */
function peakRunning(events: StoreEvent[], ids: Set<string>): { peak: number; open: number } {
  const steps = events
    .filter((e) => ids.has(e.taskId ?? "") && (e.kind === "task.started" || ENDS.has(e.kind)))
    .map((e) => ({ at: e.at, delta: e.kind === "task.started" ? 1 : -1 }))
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let peak = 0;
  for (const step of steps) {
    open += step.delta;
    peak = Math.max(peak, open);
  }
  return { peak, open };
}

/**
 * Four worker processes with ten slots each claim over the emulator, with a second of read lag,
 * under a limit of three running `sleep` tasks, all starting together when the type is
 * resumed. Each task is pinned to one process, so each sees tasks of its own and room for
 * three, and none of the others' claims (without pins every process would be offered the
 * same three tasks, and only three could start anyway): only the settle-time check of each
 * claim's place among the type's claims (store/github/tasks/type-limit-gate.ts) holds the
 * limit — with it taken out, all four start three.
 */
describe("a per-type concurrency limit on GitHub across four worker processes", () => {
  it(`never has more than ${LIMIT} tasks of the type running at once (by the store's event history)`, async () => {
    // A read lag of a second: each process sees the others' claims only a second after they are
    // posted, so after the resume all four claim before any sees another's.
    const emulator = await startTestEmulator({ secondaryRateLimit: false, faults: { readLagMs: READ_LAG_MS } });
    const store = await openTestStore(emulator);
    try {
      await store.setTaskTypeLimit("sleep", LIMIT, "operator:test");
      // Held back until every process is up and every task exists, so that the resume sets all
      // four processes claiming at once, each seeing room for three.
      await store.pauseTaskType("sleep", "operator:test");
      const configPath = join(tempDir("sentinel-gh-limit").path, "task-sentinel.config.json");
      writeFileSync(configPath, JSON.stringify({ handlers: { sleep: { builtin: "sleep" } } }));
      const workers = Array.from({ length: PROCESSES }, (_, i) =>
        spawnWorker({
          id: `glim-${i}`,
          env: {
            ...githubWorkerEnv(emulator.url, TOKENS.bot),
            SENTINEL_CONFIG: configPath,
            WORKER_MAX_TASKS: "10",
            // The claim protocol's assumption: the settle delay outlasts the read lag.
            SENTINEL_SETTLE_DELAY_MS: String(READ_LAG_MS + 300),
          },
        }),
      );
      await waitForRegistered(store, workers, 120_000);
      const ids = new Set<string>();
      for (let i = 0; i < TASKS; i++)
        ids.add(
          (
            await store.createTask(
              taskInput({ type: "sleep", params: { ms: 1500 }, pinnedWorkerId: `glim-${i % PROCESSES}` }),
              "test",
            )
          ).id,
        );
      await store.resumeTaskType("sleep", "operator:test");
      await waitFor(() => noTaskPending(store), { timeoutMs: 240_000, intervalMs: 500, what: "every task finished" });

      const events = await readAllEvents(store);
      const { peak, open } = peakRunning(events, ids);
      expect(open).toBe(0);
      expect(peak).toBeLessThanOrEqual(LIMIT);
      // The limit was reached, not avoided by starving the type.
      expect(peak).toBe(LIMIT);
      const started = events.filter((e) => e.kind === "task.started" && ids.has(e.taskId ?? ""));
      expect(new Set(started.map((e) => e.workerId)).size).toBeGreaterThan(1);
      const tasks = await Promise.all([...ids].map((id) => store.getTask(id)));
      expect(tasks.filter((t) => t?.state !== "succeeded")).toEqual([]);
      console.info(
        `[measure] GitHub: ${TASKS} tasks limited to ${LIMIT} running on ${PROCESSES} processes × 10 slots: peak ${peak}, ${started.length} starts`,
      );
      for (const w of workers) w.child.kill("SIGTERM");
      await Promise.all(workers.map((w) => w.exited));
    } finally {
      await store.close();
    }
  }, 420_000);
});
