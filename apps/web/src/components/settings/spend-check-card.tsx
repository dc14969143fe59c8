"use client";

import type { RouterOutputs } from "@sentinel/api";

type SpendCheck = NonNullable<RouterOutputs["settings"]["get"]["spendCheck"]>;

/**
 * The GitHub spend check of this deployment, as the control plane projected it at start from
 * its environment: hourly spend on the token idle and per task, how many tasks an hour fit,
 * and what the check refuses or warns about (docs/benchmarks.md, *Budget model*).
 */
export function SpendCheckCard({ check }: { check: SpendCheck }) {
  const { projection: p, problems, mode } = check;
  return (
    <div className="card stack" data-testid="spend-check">
      <h2>GitHub spend check</h2>
      <dl className="kv">
        <dt>Idle, whole token</dt>
        <dd data-testid="spend-idle">
          ≈ {p.idle.charged.toLocaleString()} charged requests/hour · {p.idle.writesPerHour} writes/hour
        </dd>
        <dt>Per worker · control plane</dt>
        <dd>
          ≈ {p.worker.charged.toLocaleString()} · {p.controlPlane.charged.toLocaleString()} requests/hour
        </dd>
        <dt>Heartbeat in force</dt>
        <dd>
          every {Math.round(p.effectiveHeartbeatIntervalMs / 1000)} s
          {p.heartbeatStretch > 1 ? ` (stretched ×${p.heartbeatStretch.toFixed(2)} to fit the token)` : ""}
        </dd>
        <dt>Each task adds</dt>
        <dd>
          ≈ {p.perTask.charged} requests, {p.perTask.writes} writes
        </dd>
        <dt>Tasks/hour that fit</dt>
        <dd data-testid="spend-capacity">
          {p.taskCapacityPerHour.primary.toLocaleString()} (primary limit) ·{" "}
          {p.taskCapacityPerHour.secondary.toLocaleString()} (secondary limit)
        </dd>
        <dt>On an over-budget start</dt>
        <dd className="mono">{mode === "refuse" ? "refuse (SENTINEL_GITHUB_SPEND_CHECK=refuse)" : "warn only"}</dd>
      </dl>
      {problems.length === 0 ? (
        <p className="muted small" style={{ margin: 0 }}>
          Within the token&apos;s limits.
        </p>
      ) : (
        <ul style={{ margin: 0 }} data-testid="spend-problems">
          {problems.map((problem) => (
            <li key={`${problem.level} ${problem.key}`} style={{ color: "var(--warn)" }}>
              <strong>{problem.level === "error" ? "Over budget" : "Warning"}</strong> (
              <span className="mono">{problem.key}</span>): {problem.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
