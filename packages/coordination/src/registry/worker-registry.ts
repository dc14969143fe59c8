import {
  assertWorkerTransition,
  type WorkerRecord,
  type WorkerRegistration,
  type WorkerState,
} from "../domain/worker.js";
import { IllegalTransitionError, NotFoundError } from "../errors.js";
import type { CoordinationStore } from "../store/port.js";
import { buildRegistration } from "./build-registration.js";

export interface DiscoverOptions {
  /** Default: every state but REMOVED. */
  states?: readonly WorkerState[];
  /** Only workers with a handler for this task type. */
  supportsType?: string;
}

/** The worker registry: registration, heartbeats, checked state changes, discovery. */
export class WorkerRegistry {
  constructor(private readonly store: CoordinationStore) {}

  /** NEW → ACTIVE. The registration is validated first (ValidationError names the field). */
  async register(registration: WorkerRegistration): Promise<WorkerRecord> {
    return this.store.registerWorker(buildRegistration(registration));
  }

  /** Renews the lease; a STALE worker comes back ACTIVE. Throws LeaseLostError once OFFLINE/REMOVED. */
  async heartbeat(workerId: string, activeTasks: number): Promise<WorkerRecord> {
    return this.store.heartbeat(workerId, { activeTasks });
  }

  /**
   * A transition checked against the worker state machine (domain/worker.ts) here (clear error before any write)
   * and made conditional on the state we saw, so a concurrent change is not overwritten.
   */
  async updateStatus(workerId: string, to: WorkerState, actor: string, reason: string): Promise<WorkerRecord> {
    const worker = await this.require(workerId);
    assertWorkerTransition(workerId, worker.state, to);
    return this.store.transitionWorker(workerId, to, { expectedFrom: [worker.state], actor, reason });
  }

  /** Operator or worker asks for a graceful drain: finish running tasks, take no new ones. */
  async drain(workerId: string, actor: string): Promise<WorkerRecord> {
    return this.store.requestDrain(workerId, actor);
  }

  /** DRAINING → ACTIVE (an operator changed their mind). */
  async resume(workerId: string, actor: string): Promise<WorkerRecord> {
    return this.updateStatus(workerId, "ACTIVE", actor, "resumed");
  }

  /**
   * Graceful exit: DRAINING → REMOVED; from ACTIVE/BUSY it drains first. An OFFLINE worker
   * is cleaned up (OFFLINE → REMOVED). Removing a REMOVED worker is a no-op.
   *
   * The worker's own drain writes DRAINING too, and may do so between any read here and the
   * write that follows it: each step is one conditional write, and losing it to a write that
   * reached the state this step was heading for (DRAINING, or REMOVED by a second
   * deregister) is no error — the step is done.
   */
  async deregister(workerId: string, actor: string = workerId): Promise<WorkerRecord> {
    const worker = await this.require(workerId);
    if (worker.state === "REMOVED") return worker;
    if (worker.state === "ACTIVE" || worker.state === "BUSY") {
      await this.moveOrFindThere(workerId, ["ACTIVE", "BUSY"], "DRAINING", actor, "deregistering");
    }
    return this.moveOrFindThere(workerId, ["DRAINING", "OFFLINE"], "REMOVED", actor, "deregistered");
  }

  /** `from` → `to` conditionally; if the worker is already in `to` (someone else moved it), that record. */
  private async moveOrFindThere(
    workerId: string,
    from: WorkerState[],
    to: WorkerState,
    actor: string,
    reason: string,
  ): Promise<WorkerRecord> {
    try {
      return await this.store.transitionWorker(workerId, to, { expectedFrom: from, actor, reason });
    } catch (thrown) {
      if (!(thrown instanceof IllegalTransitionError)) throw thrown;
      const now = await this.require(workerId);
      if (now.state === to) return now;
      throw thrown;
    }
  }

  async get(workerId: string): Promise<WorkerRecord | null> {
    return this.store.getWorker(workerId);
  }

  async discover(opts: DiscoverOptions = {}): Promise<WorkerRecord[]> {
    const includeRemoved = opts.states?.includes("REMOVED") ?? false;
    const workers = await this.store.listWorkers({ includeRemoved });
    return workers.filter(
      (w) =>
        (opts.states ? opts.states.includes(w.state) : w.state !== "REMOVED") &&
        (opts.supportsType === undefined || w.supportedTaskTypes.includes(opts.supportsType)),
    );
  }

  private async require(workerId: string): Promise<WorkerRecord> {
    const worker = await this.store.getWorker(workerId);
    if (!worker) throw new NotFoundError("worker", workerId);
    return worker;
  }
}
