import type { StoreFault, WorkerTimings } from "./backend.js";
import type { ChaosOptions } from "./options.js";
import type { SeededRandom } from "./seeded-random.js";

/** One fault of the plan: what, after how much quiet, for how long, and which worker (a draw resolved at run time). */
export interface PlannedFault {
  kind: string;
  gapMs: number;
  durationMs: number;
  /** In [0, 1): picks among the workers that qualify when the fault is due (for a kill: those holding a lock). */
  targetDraw: number;
}

export const SIGKILL = "sigkill";
export const SIGSTOP = "sigstop";

/**
 * The whole fault sequence, drawn from the seed before anything runs, so a seed names the same
 * plan every time (which worker holds a lock when a kill is due still depends on timing). The
 * first faults cover every kind once in a seeded order; after that kills come twice as often
 * as each other kind, since they are what recovery is measured on. A pause lasts half to twice
 * the stale threshold: some frozen workers keep their lease, others lose it and come back.
 */
export function planFaults(
  random: SeededRandom,
  options: Pick<ChaosOptions, "faults" | "faultGapMs">,
  timings: WorkerTimings,
  storeFaults: readonly StoreFault[],
): PlannedFault[] {
  const kinds = [SIGKILL, SIGSTOP, ...storeFaults.map((f) => f.kind)];
  const firstRound = [...kinds];
  for (let i = firstRound.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [firstRound[i], firstRound[j]] = [firstRound[j] as string, firstRound[i] as string];
  }
  const weighted = [SIGKILL, ...kinds];
  const plan: PlannedFault[] = [];
  for (let i = 0; i < options.faults; i++) {
    const kind = i < firstRound.length ? (firstRound[i] as string) : random.pick(weighted);
    const range =
      kind === SIGKILL
        ? { min: 0, max: 0 }
        : kind === SIGSTOP
          ? { min: timings.staleMs / 2, max: timings.staleMs * 2 }
          : (storeFaults.find((f) => f.kind === kind)?.durationMs ?? { min: 0, max: 0 });
    plan.push({
      kind,
      gapMs: random.int(options.faultGapMs.min, options.faultGapMs.max),
      durationMs: random.int(Math.round(range.min), Math.round(range.max)),
      targetDraw: random.next(),
    });
  }
  return plan;
}

/** How long the plan takes if every fault takes its planned time. */
export function planLengthMs(plan: readonly PlannedFault[]): number {
  return plan.reduce((sum, f) => sum + f.gapMs + f.durationMs, 0);
}
