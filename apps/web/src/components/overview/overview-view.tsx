"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/react";
import { CapacityMeter } from "../capacity-bar";
import { formatDateTime, formatPercent } from "../format";
import { QueryState } from "../query-state";
import { StateBadge } from "../state-badge";
import { ThroughputChart } from "../throughput-chart";
import { CAPACITY_ROWS, CapacityByWorker } from "./capacity-by-worker";
import { QueuesCard } from "./queues-card";

const THROUGHPUT_MINUTES = 30;

export function OverviewView() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.overview.get.queryOptions({ windowMinutes: THROUGHPUT_MINUTES }));
  // Counts, capacity and the busiest workers in one read, so the three panels agree.
  const summary = useQuery(trpc.workers.summary.queryOptions({ top: CAPACITY_ROWS }));
  if (!overview.data) return <QueryState query={overview} title="Overview" />;
  if (!summary.data) return <QueryState query={summary} title="Overview" />;
  const o = overview.data;
  const w = summary.data;
  const finished = o.throughput.reduce((n, p) => n + p.succeeded + p.failed, 0);

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Overview</h1>
        <span className="muted small" data-testid="backend">
          store: <strong>{o.backend}</strong> · synced {o.sync.lastSyncAt ? formatDateTime(o.sync.lastSyncAt) : "never"}
        </span>
      </div>

      {o.alerts.length > 0 && (
        <div className="stack" style={{ gap: 6 }} data-testid="alerts">
          {o.alerts.map((a) => (
            <div
              key={`${a.code}-${a.subject ?? ""}`}
              className={a.severity === "critical" ? "error-box" : "alert"}
              role="status"
            >
              <strong>{a.severity === "critical" ? "Critical" : "Warning"}:</strong> {a.message}
            </div>
          ))}
          <Link href="/alerts" className="small">
            Alert history and deliveries →
          </Link>
        </div>
      )}

      <div className="grid cols-4">
        <div className="card" data-testid="overview-workers">
          <h3>Workers</h3>
          <div className="stat">
            {w.leaseLive}
            <span className="muted" style={{ fontSize: 14 }}>
              {" "}
              live / {w.total}
            </span>
          </div>
          <div className="row" style={{ marginTop: 6, gap: 4 }}>
            {Object.entries(w.byState)
              .filter(([, n]) => n > 0)
              .map(([state, n]) => (
                <span key={state} className="row" style={{ gap: 3 }}>
                  <StateBadge state={state} /> <span className="small">{n}</span>
                </span>
              ))}
          </div>
        </div>
        <div className="card" data-testid="overview-capacity" data-used={w.capacity.used}>
          <h3>Capacity</h3>
          <div className="stat">
            {w.capacity.used}
            <span className="muted" style={{ fontSize: 14 }}>
              {" "}
              / {w.capacity.total} slots
            </span>
          </div>
          <div style={{ marginTop: 8 }}>
            <CapacityMeter used={w.capacity.used} total={w.capacity.total} />
          </div>
        </div>
        <div className="card" data-testid="overview-queue">
          <h3>Queue depth</h3>
          <div className="stat">{o.queue.depth}</div>
          <div className="small muted">
            {o.queue.queued} queued · {o.queue.awaitingRetry} awaiting retry · {o.queue.running} running
          </div>
        </div>
        <div className="card" data-testid="overview-failure-rate">
          <h3>Failure rate</h3>
          <div className="stat">{o.failureRate === null ? "—" : formatPercent(o.failureRate)}</div>
          <div className="small muted">
            of {finished} attempts in the last {THROUGHPUT_MINUTES} min
          </div>
        </div>
      </div>

      <div className="grid cols-3" style={{ gridTemplateColumns: "2fr 1fr" }}>
        <div className="card">
          <div className="row">
            <h2>Throughput per minute</h2>
            <span className="spacer" />
            <span className="legend">
              <span>
                <i style={{ background: "#2ea043", height: 8 }} />
                succeeded
              </span>
              <span>
                <i style={{ background: "#f85149", height: 8 }} />
                failed
              </span>
            </span>
          </div>
          <ThroughputChart points={o.throughput} />
        </div>
        <div className="card">
          <h2>Tasks by state</h2>
          <table className="data">
            <tbody>
              {Object.entries(o.tasks).map(([state, n]) => (
                <tr key={state}>
                  <td>
                    <Link href={`/tasks?state=${state}`}>
                      <StateBadge state={state} />
                    </Link>
                  </td>
                  <td className="num" data-testid={`task-count-${state}`}>
                    {n.toLocaleString()}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>

      <CapacityByWorker summary={w} />

      <QueuesCard />

      {o.budget && (
        <div className="card" data-testid="budget-panel">
          <h2>GitHub API budget</h2>
          <table className="data">
            <thead>
              <tr>
                <th>Kind</th>
                <th className="num">Used</th>
                <th className="num">Remaining</th>
                <th className="num">Limit</th>
                <th>Resets</th>
                <th style={{ width: "30%" }}>Left</th>
              </tr>
            </thead>
            <tbody>
              {o.budget.map((b) => (
                <tr key={b.kind}>
                  <td className="mono">{b.kind}</td>
                  <td className="num">{b.used.toLocaleString()}</td>
                  <td className="num">{b.remaining?.toLocaleString() ?? "—"}</td>
                  <td className="num">{b.limit?.toLocaleString() ?? "—"}</td>
                  <td>{b.resetAt ? formatDateTime(b.resetAt) : "—"}</td>
                  <td>
                    {b.limit && b.remaining !== null ? <CapacityMeter used={b.remaining} total={b.limit} /> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {o.refusals && (
        <div className="card" data-testid="refusals-panel">
          <h2>Refused GitHub comments ({o.refusals.refused.toLocaleString()})</h2>
          {o.refusals.refusedBy.length === 0 ? (
            <p className="muted">None: every comment read as coordination data was signed and in place.</p>
          ) : (
            <table className="data">
              <thead>
                <tr>
                  <th>Author</th>
                  <th>Reason</th>
                  <th className="num">Comments</th>
                </tr>
              </thead>
              <tbody>
                {o.refusals.refusedBy.map((r) => (
                  <tr key={`${r.author} ${r.reason}`}>
                    <td className="mono">{r.author}</td>
                    <td className="mono">{r.reason}</td>
                    <td className="num">{r.count.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {o.refusals.tampered.length > 0 && (
            <>
              <h3>Edited records ({o.refusals.tampered.length})</h3>
              <p className="muted">
                Someone edited what the store wrote. Where this process had verified the record it keeps serving that
                version (a task body is put back); otherwise the record is not used.
              </p>
              <table className="data" data-testid="tampered-records">
                <thead>
                  <tr>
                    <th>Issue</th>
                    <th>Record</th>
                    <th>Reason</th>
                    <th>Edited</th>
                    <th>Served</th>
                  </tr>
                </thead>
                <tbody>
                  {o.refusals.tampered.map((t) => (
                    <tr key={`${t.issue} ${t.comment}`}>
                      <td className="mono">#{t.issue}</td>
                      <td className="mono">{t.comment === null ? "task body" : `comment ${t.comment}`}</td>
                      <td className="mono">{t.reason}</td>
                      <td>{formatDateTime(Date.parse(t.at))}</td>
                      <td>{t.kept ? "last verified version" : "not used (never verified here)"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
      )}
    </div>
  );
}
