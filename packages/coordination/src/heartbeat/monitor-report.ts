/** What one monitor round found and did. Only the monitor that won a transition lists it. */
export interface MonitorReport {
  monitorId: string;
  /** Store-clock ms the round was judged at. */
  checkedAt: number;
  workersChecked: number;
  /** ACTIVE/BUSY/DRAINING → STALE by this monitor (it also recorded the alert and recovered). */
  markedStale: string[];
  markedOffline: string[];
  removed: string[];
  /** Running tasks of failed workers that this monitor failed for retry. */
  recoveredTasks: Array<{ taskId: string; workerId: string; state: string }>;
  /** Locks of failed workers this monitor force-released. */
  releasedLocks: Array<{ taskId: string; workerId: string; token: number }>;
  /** Running tasks whose lock outran the task timeout while their worker lived. */
  timedOutTasks: Array<{ taskId: string; workerId: string; state: string }>;
  /** Transitions another monitor (or the worker itself) got to first. */
  lostRaces: number;
  /** Heartbeat events older than the retention that this round deleted from the store's log. */
  prunedHeartbeatEvents: number;
  /** `task.log` events older than the same retention that this round deleted (the logs stay with their tasks). */
  prunedTaskLogEvents: number;
  /** Finished tasks this round archived and deleted under the retention policy. */
  purgedTasks: number;
  errors: Array<{ subject: string; message: string }>;
}

export function emptyReport(monitorId: string, checkedAt: number): MonitorReport {
  return {
    monitorId,
    checkedAt,
    workersChecked: 0,
    markedStale: [],
    markedOffline: [],
    removed: [],
    recoveredTasks: [],
    releasedLocks: [],
    timedOutTasks: [],
    lostRaces: 0,
    prunedHeartbeatEvents: 0,
    prunedTaskLogEvents: 0,
    purgedTasks: 0,
    errors: [],
  };
}
