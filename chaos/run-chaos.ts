import { cpus, loadavg } from "node:os";
import { newTaskSchema } from "@sentinel/coordination";
import { waitFor } from "@sentinel/test-support";
import { noTaskPending } from "../packages/coordination/test/multiprocess/invariants.js";
import { type ChaosBackend, sleep, timingEnv } from "./backend.js";
import { openGithubChaos } from "./backends/github-backend.js";
import { openPostgresChaos } from "./backends/postgres-backend.js";
import { openSqliteChaos } from "./backends/sqlite-backend.js";
import { planFaults, planLengthMs } from "./fault-plan.js";
import { Fleet, type UnexpectedExit } from "./fleet.js";
import { type CheckResult, checkHistory, FAILING_TYPE } from "./history-checks.js";
import { type InjectedFault, injectFaults } from "./inject-faults.js";
import type { ChaosOptions } from "./options.js";
import { measureRecoveries, type Recovery } from "./recovery.js";
import { type SeededRandom, seededRandom } from "./seeded-random.js";

export interface ChaosResult {
  options: ChaosOptions;
  setup: string;
  /** When the run started (ISO 8601). */
  startedAt: string;
  /** The machine: cores, CPU model, and its 1-minute load average at the start and at the end of the run. */
  machine: string;
  wallMs: number;
  tasks: { created: number; succeeded: number; dead: number };
  faults: InjectedFault[];
  recoveries: Recovery[];
  /** Late writes the store refused with a stale token (a frozen or replaced worker's completion). */
  rejectedWrites: number;
  /** Workers the monitors declared failed (killed ones, and live ones that looked dead for a while). */
  workerFailedAlerts: number;
  unexpectedExits: UnexpectedExit[];
  checks: CheckResult[];
}

/**
 * One chaos run on one backend: start the fleet, feed it tasks over the length of the fault
 * plan while the plan runs, let the queue drain, stop the fleet, then judge the store's history.
 */
export async function runChaos(options: ChaosOptions, log: (line: string) => void = () => {}): Promise<ChaosResult> {
  const startedAt = performance.now();
  const startedAtIso = new Date().toISOString();
  const loadAtStart = loadavg()[0] ?? 0;
  const random = seededRandom(options.seed);
  const backend = await openBackend(options);
  const fleet = new Fleet({
    slots: options.workers,
    env: {
      ...backend.workerEnv,
      ...timingEnv(backend.timings),
      WORKER_MAX_TASKS: String(options.maxTasksPerWorker),
      LOG_LEVEL: "warn",
    },
    skewMs: options.skewMs,
  });
  try {
    const plan = planFaults(random, options, backend.timings, backend.faults);
    log(`${options.backend}: seed ${options.seed}; plan ${plan.map((f) => f.kind).join(", ")}`);
    fleet.start();
    await waitFor(
      async () => {
        const active = new Set(
          (await backend.store.listWorkers()).filter((w) => w.state === "ACTIVE").map((w) => w.id),
        );
        return fleet.ids().every((id) => active.has(id));
      },
      { timeoutMs: 60_000, intervalMs: 200, what: "every chaos worker ACTIVE" },
    ).catch(async (err: Error) => {
      const seen = (await backend.store.listWorkers()).map((w) => `${w.id} ${w.state}`).join(", ");
      const cause = fleet.unexpectedExits.at(-1)?.stderrTail.trim();
      throw new Error(
        `${err.message}; fleet ${fleet.ids().join(", ")}; store sees ${seen || "none"}${cause ? `; last worker exit: ${cause}` : ""}; stderr of the running workers: ${fleet.stderrTails()}`,
      );
    });
    const [taskIds, faults] = await Promise.all([
      produceTasks(backend, options, random, planLengthMs(plan)),
      injectFaults(plan, fleet, backend, (line) => log(`${options.backend}: ${line}`)),
    ]);
    await waitFor(() => noTaskPending(backend.store), {
      timeoutMs: options.drainTimeoutMs,
      intervalMs: 250,
      what: "every chaos task finished",
    }).catch((err: Error) => log(`${options.backend}: ${err.message}`));
    await fleet.stop();
    const history = await checkHistory(backend.store, taskIds);
    const { recoveries, check } = measureRecoveries(faults, history.events);
    const checks = [...history.checks, check, noWorkerDied(fleet)];
    return {
      options,
      setup: backend.setup,
      startedAt: startedAtIso,
      machine: `${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), load average ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end`,
      wallMs: Math.round(performance.now() - startedAt),
      tasks: {
        created: taskIds.length,
        succeeded: history.tasks.filter((t) => t.state === "succeeded").length,
        dead: history.tasks.filter((t) => t.state === "dead").length,
      },
      faults,
      recoveries,
      rejectedWrites: history.events.filter((e) => e.kind === "task.write_rejected").length,
      workerFailedAlerts: history.events.filter((e) => e.kind === "alert.worker_failed").length,
      unexpectedExits: fleet.unexpectedExits,
      checks,
    };
  } finally {
    await fleet.stop(5000);
    await backend.close();
  }
}

function openBackend(options: ChaosOptions): Promise<ChaosBackend> {
  switch (options.backend) {
    case "sqlite":
      return openSqliteChaos();
    case "postgres":
      return openPostgresChaos();
    case "github":
      return openGithubChaos(options.seed, options.workers, options.githubBudget);
  }
}

function noWorkerDied(fleet: Fleet): CheckResult {
  const died = fleet.unexpectedExits.filter((e) => !e.atStart);
  const restarts = fleet.unexpectedExits.length - died.length;
  return {
    name: "no running worker died on its own",
    ok: died.length === 0,
    detail:
      died.map((e) => `${e.workerId} exited ${e.code}: ${e.stderrTail.slice(-300)}`).join("; ") ||
      `${fleet.allIds.length} worker processes; ${restarts} could not start and were started again`,
  };
}

/** Creates the run's tasks at an even pace over `spreadMs`, so there is work in flight during every fault. */
async function produceTasks(
  backend: ChaosBackend,
  options: ChaosOptions,
  random: SeededRandom,
  spreadMs: number,
): Promise<string[]> {
  const ids: string[] = [];
  const paceMs = spreadMs / options.tasks;
  const start = performance.now();
  for (let i = 0; i < options.tasks; i++) {
    const failing = random.next() < options.failingShare;
    const input = failing
      ? newTaskSchema.parse({ type: FAILING_TYPE, params: { retryable: true }, maxAttempts: 2, timeoutMs: 30_000 })
      : newTaskSchema.parse({
          type: "sleep",
          params: { ms: random.int(options.taskMs.min, options.taskMs.max) },
          // Kills and lost leases each cost an attempt; the task itself never fails.
          maxAttempts: 20,
          timeoutMs: 30_000,
        });
    ids.push((await backend.store.createTask(input, "chaos")).id);
    await sleep(Math.max(0, start + (i + 1) * paceMs - performance.now()));
  }
  return ids;
}
