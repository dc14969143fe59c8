import { registration } from "../../src/store/contract/harness.js";

/** A well-formed worker registration record for `id`, as a forger would write one (sign it or not as the test needs). */
export function forgedWorkerRecord(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    k: "worker",
    n: `forged-${id}-0001`,
    at: Date.now(),
    ev: [],
    reg: registration(id),
    inc: "forged",
    state: "ACTIVE",
    activeTasks: 0,
    registeredAt: 0,
    stateChangedAt: 0,
    drainRequested: false,
    basis: 0,
    rev: 0,
    stretch: 1,
    ...extra,
  };
}
