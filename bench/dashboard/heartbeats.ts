import type { CoordinationStore } from "@sentinel/coordination";

export interface HeartbeatLoop {
  /** Heartbeats sent, and those that fell behind schedule by more than one spacing. */
  readonly sent: number;
  readonly late: number;
  stop(): Promise<void>;
}

export interface HeartbeatLoopOptions {
  workerIds: string[];
  intervalMs: number;
  activeTasks(workerId: string): number;
  onError(error: unknown): void;
}

/**
 * Every registered worker heartbeats once per interval, spread evenly (1,000 workers every
 * 30 s is one store write every 30 ms), the background load a real cluster puts on the store
 * and the control plane's syncer while the dashboard is measured. When the loop falls behind
 * (the event loop was busy) the schedule restarts from now instead of catching up in a burst.
 */
export function startHeartbeats(store: CoordinationStore, options: HeartbeatLoopOptions): HeartbeatLoop {
  const spacingMs = options.intervalMs / Math.max(1, options.workerIds.length);
  let stopped = false;
  let sent = 0;
  let late = 0;
  const loop = (async () => {
    let origin = performance.now();
    for (let k = 0; !stopped; k++) {
      const wait = origin + k * spacingMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else if (-wait > spacingMs) {
        late += 1;
        origin = performance.now() - k * spacingMs;
      }
      if (stopped) break;
      const workerId = options.workerIds[k % options.workerIds.length]!;
      try {
        await store.heartbeat(workerId, { activeTasks: options.activeTasks(workerId) });
        sent += 1;
      } catch (error) {
        options.onError(error);
      }
    }
  })();
  return {
    get sent() {
      return sent;
    },
    get late() {
      return late;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
