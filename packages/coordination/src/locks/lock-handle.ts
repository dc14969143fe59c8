import type { Lock } from "../domain/lock.js";
import type { CoordinationStore } from "../store/port.js";
import { assertLockTransition, type LockState } from "./lock-state.js";

/**
 * One holder's view of one acquired lock, walking the holding half of the lock state
 * machine from ACQUIRED. Illegal moves (executing twice, releasing twice, executing after
 * release) throw IllegalTransitionError before anything touches the store.
 */
export class LockHandle {
  #state: LockState = "ACQUIRED";

  constructor(
    readonly lock: Lock,
    private readonly store: Pick<CoordinationStore, "releaseLock">,
  ) {}

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
      await this.store.releaseLock(this.lock.taskId, this.lock.token);
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
    assertLockTransition(this.lock.taskId, this.#state, to);
    this.#state = to;
  }
}
