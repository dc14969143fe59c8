import type { RouterOutputs } from "@sentinel/api";
import { formatTime } from "../format";
import { StateBadge } from "../state-badge";
import { summariseAttempts } from "./task-attempts";

type TaskEvent = RouterOutputs["tasks"]["get"]["events"][number];

/** Attempt by attempt: the worker, its fencing token, how it ended, and the stale writes its token had refused. */
export function TaskAttemptsTable({ events }: { events: TaskEvent[] }) {
  const attempts = summariseAttempts(events);
  if (attempts.length === 0) return <div className="muted small">Not started yet.</div>;
  return (
    <table className="data" data-testid="task-attempts">
      <thead>
        <tr>
          <th className="num">#</th>
          <th>Worker</th>
          <th className="num">Token</th>
          <th>Started</th>
          <th>Outcome</th>
          <th>Stale writes refused</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => (
          <tr
            key={`${a.startedAt}-${a.workerId}-${a.token ?? "none"}`}
            data-testid="task-attempt"
            data-token={a.token ?? undefined}
          >
            <td className="num">{a.attempt ?? "—"}</td>
            <td className="mono">{a.workerId}</td>
            <td className="num mono">{a.token ?? "—"}</td>
            <td className="small">{formatTime(a.startedAt)}</td>
            <td className="small">
              {a.outcome ? <StateBadge state={a.outcome} /> : <StateBadge state="running" />}
              {a.endedBy && a.endedBy !== a.workerId && (
                <span className="muted">
                  {" "}
                  by <span className="mono">{a.endedBy}</span>
                </span>
              )}
            </td>
            <td className="small" data-testid="task-attempt-rejected">
              {a.rejected.length === 0
                ? "—"
                : a.rejected.map((r) => (
                    <div key={r.at} className="bad-text">
                      {r.attempted} by <span className="mono">{r.by}</span> at {formatTime(r.at)} (token {r.presented} ≠{" "}
                      {r.current})
                    </div>
                  ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
