import type { CoordinationStore } from "@sentinel/coordination";
import { transientStoreError } from "../packages/coordination/src/store/transient-store-error.js";
import { sleep } from "./backend.js";

const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 2000;

/**
 * The runner's own connection, waiting out a store that is briefly unavailable (a database
 * restart, a dropped connection) as a worker does, for up to `timeoutMs` per call; any other
 * error is thrown at once. Only calls that return a promise are retried. A write whose
 * commit's answer was lost may take effect twice: for the runner's only write, createTask,
 * that is one more task, which the workers run like any other (the checks judge the tasks
 * whose ids the runner got back).
 */
export function retryTransient(store: CoordinationStore, timeoutMs = 60_000): CoordinationStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const call = (): unknown => value.apply(target, args);
        const first = call();
        return first instanceof Promise ? retrying(first, call as () => Promise<unknown>, timeoutMs) : first;
      };
    },
  });
}

async function retrying(first: Promise<unknown>, call: () => Promise<unknown>, timeoutMs: number): Promise<unknown> {
  const deadline = performance.now() + timeoutMs;
  let pending = first;
  for (let attempt = 0; ; attempt++) {
    try {
      return await pending;
    } catch (error) {
      if (!transientStoreError(error) || performance.now() > deadline) throw error;
      await sleep(Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** attempt));
      pending = call();
    }
  }
}
