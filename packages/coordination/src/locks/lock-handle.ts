import type { Lock } from "../domain/lock.js";
import { assertLockTransition, type LockState } from "./lock-state.js";

/** What a handle needs from its manager: the store release and the transition broadcast. */
export interface LockHandleHost {
  releaseInStore(lock: Lock): Promise<void>;
  recordTransition(handle: LockHandle, from: LockState, to: LockState): void;
}

/**
 * One holder's view of one acquired lock, walking the seed's state machine from ACQUIRED.
 * Illegal moves (executing twice, releasing twice, executing after release) throw
 * IllegalTransitionError before anything touches the store.
 */
export class LockHandle {
  #state: LockState;

  constructor(
    readonly lock: Lock,
    private readonly host: LockHandleHost,
    state: LockState = "ACQUIRED",
    /** Acquisition attempts it took (1 = no conflict). */
    readonly attempts = 1,
  ) {
    this.#state = state;
  }

  get state(): LockState {
    return this.#state;
  }

  markExecuting(): void {
    this.move("EXECUTING");
  }

  /**
   * Give the lock back. If the store says our token is stale (the lock expired and moved on)
   * we no longer hold it either way, so the handle still ends in NO_LOCK before rethrowing.
   */
  async release(): Promise<void> {
    assertLockTransition(this.lock.taskId, this.#state, "RELEASED");
    try {
      await this.host.releaseInStore(this.lock);
    } finally {
      this.finishRelease();
    }
  }

  /** The store already released the lock (completeTask / failTask / cancelTask release it atomically). */
  markReleased(): void {
    assertLockTransition(this.lock.taskId, this.#state, "RELEASED");
    this.finishRelease();
  }

  private finishRelease(): void {
    this.move("RELEASED");
    this.move("NO_LOCK");
  }

  private move(to: LockState): void {
    const from = this.#state;
    assertLockTransition(this.lock.taskId, from, to);
    this.#state = to;
    this.host.recordTransition(this, from, to);
  }
}
