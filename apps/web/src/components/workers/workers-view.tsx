"use client";

import type { RouterOutputs } from "@sentinel/api";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { FilterInput } from "../filters/filter-input";
import { FilterSelect } from "../filters/filter-select";
import { HeartbeatLegend } from "../heartbeat-timeline";
import { QueryState } from "../query-state";
import { useLiveStatus } from "../shell/live-updates";
import { type Column, DataTable } from "../table/data-table";
import { EmptyRow } from "../table/empty-row";
import { Pager } from "../table/pager";
import { useNow } from "../use-now";
import { ProcessBudgets } from "./process-budgets";
import { timelineWindowMs } from "./timeline-window";
import { type RowTimeline, WorkerRow } from "./worker-row";

const PAGE_SIZE = 25;
const STATE_FILTERS = ["all", "NEW", "ACTIVE", "BUSY", "DRAINING", "STALE", "OFFLINE", "REMOVED"] as const;
type StateFilter = (typeof STATE_FILTERS)[number];
type Timelines = RouterOutputs["workers"]["timelines"];
const COLUMNS: readonly Column[] = [
  "Worker",
  "State",
  "Capacity",
  "Last heartbeat",
  "Heartbeat timeline",
  "Types",
  { label: "Actions", className: "actions" },
];

/**
 * Where each row's timeline ends and how far it is known. The axis runs on with the local
 * clock. A silence is claimed only as far as the control plane's registry reads confirmed the
 * newest beat was still the newest (its `seenUntil`): "no invalidation since the read" is no
 * proof of silence, since a heartbeat the store does not announce (a GitHub comment edit)
 * reaches the cache only at the next registry read, and on a loaded machine that read came
 * more than a beat late and the page drew gaps the data never held. While the timelines are
 * refetched (or the stream is down) nothing past the read is claimed either.
 */
function rowTimelines(
  data: Timelines | undefined,
  current: boolean,
  fetchedAt: number,
  localNow: number,
): Map<string, RowTimeline> {
  if (!data) return new Map();
  const now = data.to + Math.max(0, localNow - fetchedAt);
  const readUntil = current ? now : data.to;
  return new Map(
    data.timelines.map((t) => {
      const newest = t.heartbeats.at(-1);
      const confirmed = Math.max(t.lastHeartbeatAt ?? 0, newest?.at ?? 0, newest?.seenUntil ?? 0);
      return [t.workerId, { ...t, now, knownUntil: Math.min(readUntil, confirmed), current }];
    }),
  );
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
  const budgets = useQuery({
    ...trpc.workers.budgets.queryOptions({ workerIds: items.map((w) => w.id) }),
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
        <FilterSelect
          label="State"
          value={stateFilter}
          options={STATE_FILTERS}
          onValue={(state) => changeFilter(() => setStateFilter(state))}
          testId="worker-state-filter"
        />
        <FilterInput
          label="Search"
          type="search"
          placeholder="worker id or host"
          value={search}
          onValue={(text) => changeFilter(() => setSearch(text))}
          testId="worker-search"
        />
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
      <DataTable testId="workers-table" columns={COLUMNS} busy={workers.isPlaceholderData}>
        {items.map((w) => (
          <WorkerRow
            key={w.id}
            worker={w}
            heartbeatAgeMs={w.heartbeatAgeMs + elapsed}
            timeline={byWorker.get(w.id) ?? null}
            windowMs={windowMs}
          />
        ))}
        {items.length === 0 && <EmptyRow colSpan={COLUMNS.length}>No workers match.</EmptyRow>}
      </DataTable>
      {pages > 1 && (
        <Pager
          hasPrevious={page > 0}
          onPrevious={() => setPage(page - 1)}
          hasNext={page < pages - 1}
          onNext={() => setPage(page + 1)}
          testId="workers"
        >
          <span className="muted small" data-testid="workers-page">
            page {page + 1} of {pages} ({total.toLocaleString()} workers)
          </span>
        </Pager>
      )}
      {budgets.data && <ProcessBudgets data={budgets.data} />}
    </div>
  );
}
