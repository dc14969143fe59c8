import type { RouterOutputs } from "@sentinel/api";
import { formatTime } from "../format";

type Assignment = RouterOutputs["tasks"]["get"]["assignments"][number];
type Decision = Assignment["decision"];

const REASONS: Record<Decision["reason"], (d: Decision) => string> = {
  assigned: (d) => `the ${d.strategy} strategy gave it this worker, the best of ${d.eligible} eligible`,
  pinned: () => "an operator pinned the task to this worker",
  grace: (d) =>
    `it waited past the grace period for ${d.preferred ?? "the strategy's choice"}, so any eligible worker with room could take it`,
};

const score = (n: number | null) => (n === null ? "—" : n.toFixed(3));

function Parts({ parts }: { parts: Record<string, number> }) {
  const entries = Object.entries(parts);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <span className="mono small">
      {entries.map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toFixed(3)}`).join(" · ")}
    </span>
  );
}

/**
 * "Why this worker": the decision the worker recorded with its claim of the latest attempt
 * (strategy, its score and the parts the strategy used, and the best alternatives), and, for
 * earlier attempts, a line each.
 */
export function WhyThisWorker({ assignments }: { assignments: Assignment[] }) {
  const latest = assignments.at(-1);
  if (!latest)
    return (
      <div className="muted small">No assignment recorded (not started yet, or claimed without the balancer).</div>
    );
  const d = latest.decision;
  return (
    <div data-testid="why-this-worker" data-strategy={d.strategy} data-reason={d.reason}>
      <p style={{ marginTop: 0 }}>
        Attempt {latest.attempt ?? "?"} went to <span className="mono">{latest.workerId}</span> at{" "}
        {formatTime(latest.at)}: {REASONS[d.reason](d)}.
      </p>
      <table className="data" data-testid="why-this-worker-scores">
        <thead>
          <tr>
            <th>Worker</th>
            <th className="num">Score</th>
            <th>Breakdown ({d.strategy})</th>
          </tr>
        </thead>
        <tbody>
          <tr data-testid="why-chosen">
            <td className="mono">
              <strong>{latest.workerId}</strong> <span className="muted small">chosen</span>
            </td>
            <td className="num mono">{score(d.score)}</td>
            <td>
              <Parts parts={d.parts} />
            </td>
          </tr>
          {d.alternatives.map((alt) => (
            <tr key={alt.workerId} data-testid="why-alternative" data-worker-id={alt.workerId}>
              <td className="mono">{alt.workerId}</td>
              <td className="num mono">{score(alt.score)}</td>
              <td>
                <Parts parts={alt.parts} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="muted small" style={{ marginTop: 6 }}>
        {d.considered} worker(s) in the registry view, {d.eligible} eligible (healthy, room, supports the type, pin)
        {d.alternatives.length < d.eligible - 1 ? `; the best ${d.alternatives.length} others shown` : ""}.
      </div>
      {assignments.length > 1 && (
        <ul className="small" style={{ marginBottom: 0 }}>
          {assignments.slice(0, -1).map((a) => (
            <li key={`${a.at}-${a.workerId}`}>
              attempt {a.attempt ?? "?"}: <span className="mono">{a.workerId}</span> ({a.decision.strategy},{" "}
              {a.decision.reason}, score {score(a.decision.score)})
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
