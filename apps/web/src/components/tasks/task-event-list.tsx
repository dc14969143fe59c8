import type { RouterOutputs } from "@sentinel/api";
import { formatTime } from "../format";

type TaskEvent = RouterOutputs["tasks"]["get"]["events"][number];

const BAD_KINDS = new Set([
  "task.write_rejected",
  "task.failed",
  "task.dead",
  "lock.expired",
  "lock.force_released",
  "task.cancelled",
]);
/** Shown as pills, so they are left out of the detail line. */
const PILL_KEYS = new Set(["token", "attempt"]);

function summarize(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([k, v]) => !PILL_KEYS.has(k) && v !== null && v !== undefined && v !== "")
    .map(
      ([k, v]) =>
        `${k}=${typeof v === "number" && k.endsWith("At") ? formatTime(v) : typeof v === "string" ? v : JSON.stringify(v)}`,
    )
    .join(" · ");
}

function RejectedWrite({ event }: { event: TaskEvent }) {
  const { attempted, presented, current } = event.data;
  return (
    <div className="rejected-write" data-testid="task-event-rejected">
      <strong>Stale write rejected:</strong> <span className="mono">{event.actor}</span> tried to{" "}
      {typeof attempted === "string" ? attempted : "write"} the task with fencing token{" "}
      <span className="mono">{String(presented)}</span>, but the current token is{" "}
      <span className="mono">{String(current)}</span> — its result was discarded.
    </div>
  );
}

/** Every event of the task with who did it, the fencing token it carried, and the refused stale writes called out. */
export function TaskEventList({ events }: { events: TaskEvent[] }) {
  if (events.length === 0) return <div className="muted small">No events yet.</div>;
  return (
    <ol className="events" data-testid="task-events">
      {events.map((e) => {
        const token = typeof e.data.token === "number" ? e.data.token : null;
        const attempt = typeof e.data.attempt === "number" ? e.data.attempt : null;
        // A rejected write's data is spelled out in its callout.
        const details = e.kind === "task.write_rejected" ? "" : summarize(e.data);
        return (
          <li
            key={e.id}
            className={BAD_KINDS.has(e.kind) ? "bad" : undefined}
            data-kind={e.kind}
            data-testid="task-event"
          >
            <span className="muted">{formatTime(e.at)}</span>
            <span className="mono actor" title="actor" data-testid="task-event-actor">
              {e.actor}
            </span>
            <span>
              <span className="kind">{e.kind}</span>
              {attempt !== null && <span className="pill">attempt {attempt}</span>}
              {token !== null && (
                <span className="pill token" data-testid="task-event-token">
                  token {token}
                </span>
              )}
              {e.workerId && e.workerId !== e.actor && (
                <span className="small muted">
                  {" "}
                  · worker <span className="mono">{e.workerId}</span>
                </span>
              )}
              {e.kind === "task.write_rejected" && <RejectedWrite event={e} />}
              {details && (
                <div className="small muted" style={{ overflowWrap: "anywhere" }}>
                  {details}
                </div>
              )}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
