"use client";

import type { RouterOutputs } from "@sentinel/api";
import { formatDuration } from "../format";

type Budgets = RouterOutputs["workers"]["budgets"];
type Budget = NonNullable<Budgets["controlPlane"]["budget"]>;
type Refused = Budgets["controlPlane"]["refused"];

/** "runs out in 12m" / "lasts until reset" / "—": the primary budget at the rate spent so far in its window. */
function runwayText(budget: Budget): string {
  const { runsOutInMs, lastsUntilReset } = budget.runway;
  if (runsOutInMs === null) return "—";
  if (lastsUntilReset) return "lasts until reset";
  return `runs out in ${formatDuration(runsOutInMs)}`;
}

function BudgetCells({ budget, limits, now }: { budget: Budget | null; limits: Budgets["limits"]; now: number }) {
  if (!budget)
    return (
      <td colSpan={4} className="muted small">
        no GitHub budget (not a GitHub store)
      </td>
    );
  const { primary, secondary } = budget;
  const short = budget.runway.lastsUntilReset === false;
  return (
    <>
      <td className="num">
        {primary.used?.toLocaleString() ?? "—"} used · {primary.remaining?.toLocaleString() ?? "—"} of{" "}
        {primary.limit?.toLocaleString() ?? "—"} left
        <div className="small muted">
          resets {primary.resetAt === null ? "—" : `in ${formatDuration(Math.max(0, primary.resetAt - now))}`}
        </div>
      </td>
      <td style={short ? { color: "var(--warn)" } : undefined}>{runwayText(budget)}</td>
      <td className="num">
        {secondary.writesLastMinute} / {limits.secondaryPerMinute} per min
        <div className="small muted">
          {secondary.writesLastHour} / {limits.secondaryPerHour} per hour
        </div>
      </td>
      <td className="num">
        {secondary.hits > 0 ? `${secondary.hits} limit hits` : "none"}
        {budget.lowBudget && <div style={{ color: "var(--warn)" }}>low budget: slowing down</div>}
      </td>
    </>
  );
}

function refusedText(refused: Refused): string {
  if (!refused) return "—";
  const reasons = Object.entries(refused.byReason).map(([reason, count]) => `${reason} ${count}`);
  return reasons.length === 0 ? String(refused.total) : `${refused.total} (${reasons.join(", ")})`;
}

/**
 * Every process's GitHub budget and health on one table: the control plane's own, and each
 * listed worker's as its last heartbeat published it. Primary numbers are the token's
 * (shared by every process on it); writes per minute and hour are what each process counted.
 */
export function ProcessBudgets({ data }: { data: Budgets }) {
  const { controlPlane, limits, now } = data;
  return (
    <div className="card" data-testid="process-budgets">
      <h2>Budget and health by process</h2>
      <table className="data">
        <thead>
          <tr>
            <th>Process</th>
            <th className="num">Primary (token)</th>
            <th>At this rate</th>
            <th className="num">Writes (secondary)</th>
            <th className="num">Secondary limit</th>
            <th className="num">Heartbeat · lease</th>
            <th className="num">Refused comments</th>
            <th className="num">Clock offset</th>
          </tr>
        </thead>
        <tbody>
          <tr data-testid="process-budget-control-plane">
            <td className="mono">control plane</td>
            <BudgetCells budget={controlPlane.budget} limits={limits} now={now} />
            <td className="num muted">—</td>
            <td className="num">{refusedText(controlPlane.refused)}</td>
            <td className="num">{formatDuration(controlPlane.clockOffsetMs)}</td>
          </tr>
          {data.workers.map((w) => (
            <tr key={w.workerId} data-testid={`process-budget-${w.workerId}`}>
              <td>
                <div className="mono">{w.workerId}</div>
                <div className="small muted">
                  {w.tasksSucceeded} done · {w.tasksFailed} failed · busy {formatDuration(w.busyMs)} of{" "}
                  {formatDuration(w.uptimeMs)} · reported {formatDuration(w.ageMs)} ago
                </div>
              </td>
              <BudgetCells budget={w.budget} limits={limits} now={now} />
              <td className="num" data-testid={`process-heartbeat-${w.workerId}`}>
                {formatDuration(w.heartbeatIntervalMs)} · {formatDuration(w.leaseMs)}
              </td>
              <td className="num">{refusedText(w.refused)}</td>
              <td className="num">{formatDuration(w.clockOffsetMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
