import type { RouterOutputs } from "@sentinel/api";
import { formatTime } from "../format";

type TaskEvent = RouterOutputs["tasks"]["get"]["events"][number];

const BAD_KINDS = new Set(["task.write_rejected", "task.failed", "task.dead", "lock.expired", "lock.force_released", "task.cancelled"]);

function summarize(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${typeof v === "number" && k.endsWith("At") ? formatTime(v) : typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" · ");
}

export function TaskEventList({ events }: { events: TaskEvent[] }) {
  if (events.length === 0) return <div className="muted small">No events yet.</div>;
  return (
    <ol className="events" data-testid="task-events">
      {events.map((e) => {
        return (
          <li key={e.id} className={BAD_KINDS.has(e.kind) ? "bad" : undefined} data-kind={e.kind} data-testid="task-event">
            <span className="muted">{formatTime(e.at)}</span>
            <span className="kind">{e.kind}</span>
            <span>
              <span className="mono small">{e.actor}</span>
              {e.workerId && e.workerId !== e.actor && <span className="mono small muted"> · {e.workerId}</span>}
              {Object.keys(e.data).length > 0 && <div className="small muted" style={{ overflowWrap: "anywhere" }}>{summarize(e.data)}</div>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
