import type { LaunchedProcess } from "@sentinel/test-support/processes";
import { faketimeEnv, spawnWorker } from "../packages/coordination/test/multiprocess/worker-process.js";
import { sleep } from "./backend.js";

type Worker = LaunchedProcess & { id: string };

/** A worker that left without being told to: a finding of the run, reported with its output. */
export interface UnexpectedExit {
  workerId: string;
  code: number | null;
  stderrTail: string;
  /**
   * It never started and said so: a permanent error, or a store still unavailable after the
   * worker's start-up timeout (a worker waits out a short 5xx burst or secondary-limit storm).
   * Exiting non-zero is its documented answer, and the supervisor (here, the fleet) starts it
   * again; a worker that dies once running is a failure of the run.
   */
  atStart: boolean;
}

/** What the worker prints when it gives up before it ever ran (apps/worker). */
const START_FAILURE = "could not start";
/** Start failures in a row after which a slot stays empty (the run then fails waiting for it, naming the cause). */
const MAX_START_FAILURES = 5;

export interface FleetOptions {
  slots: number;
  /** Environment of every worker (store, timings, log level). */
  env: Record<string, string>;
  /** Slot 0 runs with its whole process clock off by this much (libfaketime); 0: none. */
  skewMs: number;
}

/**
 * The worker processes of a chaos run, one per slot. A slot's process that is killed (or
 * dies) is replaced by a new process with a new id, as a supervisor would restart it, so the
 * fleet keeps its size; the ids say which slot and which incarnation (`chaos-2.1`).
 */
export class Fleet {
  private readonly current: Worker[] = [];
  private readonly incarnations: number[] = [];
  private readonly expectedExits = new Set<Worker>();
  private readonly startFailures: number[] = [];
  private stopping = false;
  readonly unexpectedExits: UnexpectedExit[] = [];
  readonly allIds: string[] = [];

  constructor(private readonly options: FleetOptions) {}

  start(): void {
    for (let slot = 0; slot < this.options.slots; slot++) this.spawn(slot);
  }

  /** The ids of the processes running now, by slot. */
  ids(): string[] {
    return this.current.map((w) => w.id);
  }

  /** What each running process last wrote to stderr, for a failure message (a worker that is stuck rather than gone). */
  stderrTails(maxChars = 600): string {
    return this.current.map((w) => `${w.id}: ${w.stderrTail().trim().slice(-maxChars) || "(nothing)"}`).join(" | ");
  }

  /** SIGKILL the slot's process, wait for it to be gone, start its replacement; returns the victim's id. */
  async kill(slot: number): Promise<string> {
    const victim = this.at(slot);
    this.expectedExits.add(victim);
    victim.child.kill("SIGKILL");
    await victim.exited;
    this.spawn(slot);
    return victim.id;
  }

  /** SIGSTOP the slot's process for `ms`, then SIGCONT: a worker frozen past its lease comes back to a changed world. */
  async pause(slot: number, ms: number): Promise<string> {
    const worker = this.at(slot);
    worker.child.kill("SIGSTOP");
    try {
      await sleep(ms);
    } finally {
      worker.child.kill("SIGCONT");
    }
    return worker.id;
  }

  /** SIGTERM every worker (they drain and deregister) and wait for them, SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    await Promise.all(this.current.map((w) => w.stop(graceMs)));
  }

  private at(slot: number): Worker {
    const worker = this.current[slot];
    if (!worker) throw new Error(`no worker in slot ${slot}`);
    return worker;
  }

  private spawn(slot: number): void {
    const incarnation = (this.incarnations[slot] ?? -1) + 1;
    this.incarnations[slot] = incarnation;
    const id = `chaos-${slot}.${incarnation}`;
    const skewed = slot === 0 && this.options.skewMs !== 0;
    const worker = spawnWorker({
      id,
      env: { ...this.options.env, ...(skewed ? faketimeEnv(this.options.skewMs) : {}) },
    });
    this.current[slot] = worker;
    this.allIds.push(id);
    void worker.exited.then((code) => {
      if (this.stopping || this.expectedExits.has(worker)) return;
      const stderrTail = worker.stderrTail();
      const atStart = stderrTail.includes(START_FAILURE);
      this.unexpectedExits.push({ workerId: id, code, stderrTail, atStart });
      this.startFailures[slot] = atStart ? (this.startFailures[slot] ?? 0) + 1 : 0;
      // A worker that keeps refusing to start (bad configuration) is not restarted for ever.
      if (this.current[slot] === worker && (this.startFailures[slot] ?? 0) < MAX_START_FAILURES) this.spawn(slot);
    });
  }
}
