"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { HeartbeatLegend } from "../heartbeat-timeline";
import { QueryState } from "../query-state";
import { useNow } from "../use-now";
import { WorkerRow } from "./worker-row";
import { timelineWindowMs } from "./timeline-window";

const PAGE_SIZE = 25;
const STATE_FILTERS = ["all", "ACTIVE", "BUSY", "DRAINING", "STALE", "OFFLINE", "REMOVED"] as const;


export function WorkersView() {
  const trpc = useTRPC();
  const [stateFilter, setStateFilter] = useState<(typeof STATE_FILTERS)[number]>("all");
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(0);
  // Removed workers are history; they are listed only when asked for so they do not pile up.
  const [showRemoved, setShowRemoved] = useState(false);
  const workers = useQuery(trpc.workers.list.queryOptions({ includeRemoved: showRemoved || stateFilter === "REMOVED" }));
  const localNow = useNow(1000);

  const filtered = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (workers.data ?? []).filter(
      (w) => (stateFilter === "all" || w.state === stateFilter) && (!needle || w.id.toLowerCase().includes(needle) || w.hostname.toLowerCase().includes(needle)),
    );
  }, [workers.data, stateFilter, search]);

  if (!workers.data) return <QueryState query={workers} title="Workers" />;

  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const visible = filtered.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  // Ages tick locally between refetches: the store's clock at fetch time plus local elapsed time.
  const elapsed = Math.max(0, localNow - workers.dataUpdatedAt);
  const sample = workers.data[0];
  const intervalMs = sample?.heartbeatIntervalMs ?? 30_000;
  const staleMs = sample?.leaseMs ?? 120_000;

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Workers</h1>
        <span className="muted small">
          {workers.data.length} registered · {workers.data.filter((w) => w.leaseLive).length} with a live lease
        </span>
      </div>
      <div className="filters">
        <label className="field">
          State
          <select value={stateFilter} onChange={(e) => (setStateFilter(e.target.value as (typeof STATE_FILTERS)[number]), setPage(0))} data-testid="worker-state-filter">
            {STATE_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Search
          <input type="search" placeholder="worker id or host" value={search} onChange={(e) => (setSearch(e.target.value), setPage(0))} data-testid="worker-search" />
        </label>
        <label className="row small muted" style={{ gap: 4, alignSelf: "center" }}>
          <input type="checkbox" checked={showRemoved} onChange={(e) => setShowRemoved(e.target.checked)} data-testid="workers-show-removed" />
          show removed
        </label>
        <span className="spacer" />
        <HeartbeatLegend intervalMs={intervalMs} staleThresholdMs={staleMs} windowMs={timelineWindowMs(intervalMs, staleMs)} />
      </div>
      <div className="card" style={{ padding: 0, overflowX: "auto" }}>
        <table className="data" data-testid="workers-table">
          <thead>
            <tr>
              <th>Worker</th>
              <th>State</th>
              <th>Capacity</th>
              <th>Last heartbeat</th>
              <th>Heartbeat timeline</th>
              <th>Types</th>
              <th className="actions">Actions</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((w) => (
              <WorkerRow key={w.id} worker={w} heartbeatAgeMs={w.heartbeatAgeMs + elapsed} />
            ))}
            {visible.length === 0 && (
              <tr>
                <td colSpan={7} className="muted">
                  No workers match.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <div className="pager">
          <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)} data-testid="workers-prev">
            ← Previous
          </button>
          <span className="muted small">
            page {current + 1} of {pages} ({filtered.length} workers)
          </span>
          <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)} data-testid="workers-next">
            Next →
          </button>
        </div>
      )}
    </div>
  );
}
