"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { formatAge, formatDateTime } from "../format";
import { StateBadge } from "../state-badge";
import { useCursorPages } from "../use-cursor-pages";
import { useNow } from "../use-now";
import { BulkActions } from "./bulk-actions";
import { CreateTaskForm } from "./create-task-form";
import { type TaskFilterForm, toFilterInput } from "./task-filter";
import { TASK_STATE_OPTIONS } from "./task-states";

const PAGE_SIZE = 50;

export function TasksView({ initialFilter }: { initialFilter: TaskFilterForm }) {
  const trpc = useTRPC();
  const [form, setForm] = useState<TaskFilterForm>(initialFilter);
  // Typing in the search box should not fire a request per keystroke.
  const deferred = useDeferredValue(form);
  const filter = toFilterInput(deferred);
  const paging = useCursorPages<string>();
  const page = useQuery({
    ...trpc.tasks.list.queryOptions({ ...filter, limit: PAGE_SIZE, cursor: paging.cursor }),
    placeholderData: keepPreviousData,
  });
  const count = useQuery({ ...trpc.tasks.count.queryOptions(filter), placeholderData: keepPreviousData });
  const taskTypes = useQuery(trpc.workers.taskTypes.queryOptions());
  // Suggestions for the worker filter: a page matching what is typed, never the whole registry.
  const workerSuggestions = useQuery({
    ...trpc.workers.list.queryOptions({ search: deferred.workerId || null, limit: 20 }),
    placeholderData: keepPreviousData,
    meta: { followsHeartbeats: false },
  });
  const [showCreate, setShowCreate] = useState(false);
  const now = useNow(5000);

  const update = (patch: Partial<TaskFilterForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    paging.goToFirst();
  };
  const nextCursor = page.data?.nextCursor ?? null;
  const knownTypes = taskTypes.data ?? [];

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Tasks</h1>
        <button
          type="button"
          className="primary"
          onClick={() => setShowCreate((v) => !v)}
          aria-expanded={showCreate}
          data-testid="task-create-toggle"
        >
          {showCreate ? "Close" : "New task"}
        </button>
      </div>
      {showCreate && <CreateTaskForm knownTypes={knownTypes} />}

      <div className="card">
        {/* biome-ignore lint/a11y/useSemanticElements: React's DOM types have no <search> element yet */}
        <div className="filters" role="search">
          <label className="field">
            State
            <select
              value={form.state}
              onChange={(e) => update({ state: e.target.value as TaskFilterForm["state"] })}
              data-testid="task-filter-state"
            >
              <option value="">any</option>
              {TASK_STATE_OPTIONS.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Type
            <input
              list="task-types"
              value={form.type}
              onChange={(e) => update({ type: e.target.value })}
              placeholder="any"
              size={12}
              data-testid="task-filter-type"
            />
          </label>
          <label className="field">
            Worker
            <input
              list="task-workers"
              value={form.workerId}
              onChange={(e) => update({ workerId: e.target.value })}
              placeholder="any"
              size={14}
              data-testid="task-filter-worker"
            />
          </label>
          <label className="field" style={{ flex: 1, minWidth: 200 }}>
            Search
            <input
              type="search"
              value={form.search}
              onChange={(e) => update({ search: e.target.value })}
              placeholder="id, title, type or params"
              data-testid="task-filter-search"
            />
          </label>
          <datalist id="task-workers">
            {(workerSuggestions.data?.items ?? []).map((w) => (
              <option key={w.id} value={w.id} />
            ))}
          </datalist>
          <datalist id="task-types">
            {knownTypes.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </div>
        <div className="row">
          <span className="muted small" data-testid="task-count">
            {count.data ? `${count.data.count.toLocaleString()} matching` : "counting…"}
          </span>
          <span className="spacer" />
          <BulkActions form={deferred} />
        </div>
      </div>

      <div className="card" style={{ padding: 0, overflowX: "auto" }}>
        <table className="data" data-testid="tasks-table">
          <thead>
            <tr>
              <th>Task</th>
              <th>Type</th>
              <th>State</th>
              <th className="num">Priority</th>
              <th className="num">Attempts</th>
              <th>Worker</th>
              <th>Updated</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {(page.data?.items ?? []).map((t) => (
              <tr key={t.id} data-testid={`task-row-${t.id}`}>
                <td>
                  <Link href={`/tasks/${encodeURIComponent(t.id)}`}>{t.title || t.id}</Link>
                  <div className="small muted mono">{t.id}</div>
                </td>
                <td className="mono small">{t.type}</td>
                <td>
                  <StateBadge state={t.state} testId={`task-state-${t.id}`} />
                </td>
                <td className="num">{t.priority}</td>
                <td className="num">
                  {t.attempts}/{t.maxAttempts}
                </td>
                <td className="mono small">
                  {t.workerId ?? "—"}
                  {t.pinnedWorkerId && <div className="muted">pinned: {t.pinnedWorkerId}</div>}
                </td>
                <td className="small">{formatAge(t.updatedAt, now)}</td>
                <td className="small muted">{formatDateTime(t.createdAt)}</td>
              </tr>
            ))}
            {page.data && page.data.items.length === 0 && (
              <tr>
                <td colSpan={8} className="muted">
                  No tasks match.
                </td>
              </tr>
            )}
            {page.isError && (
              <tr>
                <td colSpan={8}>
                  <div className="error-box" role="alert">
                    {page.error.message}
                  </div>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button type="button" disabled={!paging.hasPrevious} onClick={paging.goToPrevious} data-testid="tasks-prev">
          ← Newer
        </button>
        <span className="muted small">page {paging.page}</span>
        <button
          type="button"
          disabled={!nextCursor}
          onClick={() => paging.goToNext(nextCursor)}
          data-testid="tasks-next"
        >
          Older →
        </button>
      </div>
    </div>
  );
}
