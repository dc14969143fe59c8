/** The fields of a task event the attempt summary reads. */
export interface AttemptEvent {
  id: number;
  kind: string;
  at: number;
  actor: string;
  workerId: string | null;
  data: Record<string, unknown>;
}

export interface RejectedWrite {
  at: number;
  by: string;
  /** "complete" or "fail": what the stale holder tried to record. */
  attempted: string;
  presented: number | null;
  current: number | null;
}

export interface Attempt {
  attempt: number | null;
  workerId: string;
  token: number | null;
  startedAt: number;
  /** How it ended (succeeded, failed, dead, cancelled, requeued), null while running. */
  outcome: string | null;
  endedAt: number | null;
  endedBy: string | null;
  /** Writes refused because they carried this attempt's token after it was superseded. */
  rejected: RejectedWrite[];
}

const ENDINGS: Record<string, string> = {
  "task.succeeded": "succeeded",
  "task.failed": "failed",
  "task.dead": "dead",
  "task.cancelled": "cancelled",
  "task.requeued": "requeued",
};

const numberOrNull = (v: unknown): number | null => (typeof v === "number" ? v : null);

/**
 * One row per `task.started`: who ran it with which fencing token, how it ended and by whose
 * hand, and any write later refused because it presented that (by then stale) token.
 */
export function summariseAttempts(events: readonly AttemptEvent[]): Attempt[] {
  const attempts: Attempt[] = [];
  let open: Attempt | null = null;
  for (const e of [...events].sort((a, b) => a.id - b.id)) {
    const ending = ENDINGS[e.kind];
    if (e.kind === "task.started") {
      open = {
        attempt: numberOrNull(e.data.attempt),
        workerId: e.workerId ?? e.actor,
        token: numberOrNull(e.data.token),
        startedAt: e.at,
        outcome: null,
        endedAt: null,
        endedBy: null,
        rejected: [],
      };
      attempts.push(open);
    } else if (ending && open) {
      open.outcome = ending;
      open.endedAt = e.at;
      open.endedBy = e.actor;
      open = null;
    } else if (e.kind === "task.write_rejected") {
      const presented = numberOrNull(e.data.presented);
      const write = {
        at: e.at,
        by: e.actor,
        attempted: String(e.data.attempted ?? "write"),
        presented,
        current: numberOrNull(e.data.current),
      };
      const owner = attempts.find((a) => a.token !== null && a.token === presented);
      owner?.rejected.push(write);
    }
  }
  return attempts;
}
