"use client";

import type { RouterOutputs } from "@sentinel/api";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { HeartbeatLegend } from "../heartbeat-timeline";
import { QueryState } from "../query-state";
import { useLiveStatus } from "../shell/live-updates";
import { useNow } from "../use-now";
import { timelineWindowMs } from "./timeline-window";
import { type RowTimeline, WorkerRow } from "./worker-row";

const PAGE_SIZE = 25;
const STATE_FILTERS = ["all", "NEW", "ACTIVE", "BUSY", "DRAINING", "STALE", "OFFLINE", "REMOVED"] as const;
type StateFilter = (typeof STATE_FILTERS)[number];
type Timelines = RouterOutputs["workers"]["timelines"];

/**
 * Where each row's timeline ends and how far it is known. While the live stream is connected
 * and nothing invalidated the timelines, no heartbeat arrived since they were read, so the
 * axis runs on with the local clock and a silence keeps growing; while they are being
 * refetched (or the stream is down) only what was read is claimed.
 */
function rowTimelines(
  data: Timelines | undefined,
  current: boolean,
  fetchedAt: number,
  localNow: number,
): Map<string, RowTimeline> {
  if (!data) return new Map();
  const now = data.to + Math.max(0, localNow - fetchedAt);
  const knownUntil = current ? now : data.to;
  return new Map(data.timelines.map((t) => [t.workerId, { ...t, now, knownUntil }]));
}

export function WorkersView() {
  const trpc = useTRPC();
  const [stateFilter, setStateFilter] = useState<StateFilter>("all");
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(0);
  // Removed workers are history; they are listed only when asked for so they do not pile up.
  const [showRemoved, setShowRemoved] = useState(false);
  const deferredSearch = useDeferredValue(search.trim());
  const workers = useQuery({
    ...trpc.workers.list.queryOptions({
      state: stateFilter === "all" ? null : stateFilter,
      includeRemoved: showRemoved,
      search: deferredSearch || null,
      offset: page * PAGE_SIZE,
      limit: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });
  const items = workers.data?.items ?? [];
  const sample = items[0];
  const intervalMs = sample?.heartbeatIntervalMs ?? 30_000;
  const staleMs = sample?.leaseMs ?? 120_000;
  const windowMs = Math.max(
    ...items.map((w) => timelineWindowMs(w.heartbeatIntervalMs, w.leaseMs)),
    timelineWindowMs(intervalMs, staleMs),
  );
  const timelines = useQuery({
    ...trpc.workers.timelines.queryOptions({ workerIds: items.map((w) => w.id), windowMs }),
    enabled: items.length > 0,
    placeholderData: keepPreviousData,
  });
  const live = useLiveStatus();
  const localNow = useNow(500);

  if (!workers.data) return <QueryState query={workers} title="Workers" />;

  const { total } = workers.data;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const current = timelines.isSuccess && !timelines.isFetching && !timelines.isPlaceholderData && live === "live";
  const byWorker = rowTimelines(timelines.data, current, timelines.dataUpdatedAt, localNow);
  // Ages tick locally between refetches: the store's clock at fetch time plus local elapsed time.
  const elapsed = Math.max(0, localNow - workers.dataUpdatedAt);
  const changeFilter = (apply: () => void) => {
    apply();
    setPage(0);
  };

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Workers</h1>
        <span className="muted small" data-testid="workers-total">
          {total.toLocaleString()} {stateFilter === "all" && !deferredSearch ? "registered" : "matching"}
        </span>
      </div>
      <div className="filters">
        <label className="field">
          State
          <select
            value={stateFilter}
            onChange={(e) => changeFilter(() => setStateFilter(e.target.value as StateFilter))}
            data-testid="worker-state-filter"
          >
            {STATE_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Search
          <input
            type="search"
            placeholder="worker id or host"
            value={search}
            onChange={(e) => changeFilter(() => setSearch(e.target.value))}
            data-testid="worker-search"
          />
        </label>
        <label className="row small muted" style={{ gap: 4, alignSelf: "center" }}>
          <input
            type="checkbox"
            checked={showRemoved}
            onChange={(e) => changeFilter(() => setShowRemoved(e.target.checked))}
            data-testid="workers-show-removed"
          />
          show removed
        </label>
        <span className="spacer" />
        <HeartbeatLegend intervalMs={intervalMs} staleThresholdMs={staleMs} windowMs={windowMs} />
      </div>
      <div className="card" style={{ padding: 0, overflowX: "auto" }}>
        <table className="data" data-testid="workers-table" aria-busy={workers.isPlaceholderData}>
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
            {items.map((w) => (
              <WorkerRow
                key={w.id}
                worker={w}
                heartbeatAgeMs={w.heartbeatAgeMs + elapsed}
                timeline={byWorker.get(w.id) ?? null}
                windowMs={windowMs}
              />
            ))}
            {items.length === 0 && (
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
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)} data-testid="workers-prev">
            ← Previous
          </button>
          <span className="muted small" data-testid="workers-page">
            page {page + 1} of {pages} ({total.toLocaleString()} workers)
          </span>
          <button
            type="button"
            disabled={page >= pages - 1}
            onClick={() => setPage(page + 1)}
            data-testid="workers-next"
          >
            Next →
          </button>
        </div>
      )}
    </div>
  );
}
