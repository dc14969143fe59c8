"use client";

import { describeRunIn, isDelayed } from "@sentinel/coordination/delay";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { RequireRole } from "../auth/auth-provider";
import { FilterInput } from "../filters/filter-input";
import { FilterSelect } from "../filters/filter-select";
import { formatAge, formatDateTime } from "../format";
import { StateBadge } from "../state-badge";
import { type Column, DataTable } from "../table/data-table";
import { EmptyRow } from "../table/empty-row";
import { Pager } from "../table/pager";
import { useCursorPages } from "../use-cursor-pages";
import { useNow } from "../use-now";
import { BulkActions } from "./bulk-actions";
import { CreateTaskForm } from "./create-task-form";
import { ProgressBar } from "./progress-bar";
import { type TaskFilterForm, toFilterInput } from "./task-filter";
import { TASK_STATE_OPTIONS } from "./task-states";

const PAGE_SIZE = 50;
const COLUMNS: readonly Column[] = [
  "Task",
  "Type",
  "State",
  { label: "Priority", className: "num" },
  { label: "Attempts", className: "num" },
  "Worker",
  "Updated",
  "Created",
];

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
  const now = useNow(1000);

  const update = (patch: Partial<TaskFilterForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    paging.goToFirst();
  };
  const nextCursor = page.data?.nextCursor ?? null;
  const progress = page.data?.progress ?? {};
  const knownTypes = taskTypes.data ?? [];

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Tasks</h1>
        <RequireRole needs="operator">
          <button
            type="button"
            className="primary"
            onClick={() => setShowCreate((v) => !v)}
            aria-expanded={showCreate}
            data-testid="task-create-toggle"
          >
            {showCreate ? "Close" : "New task"}
          </button>
        </RequireRole>
      </div>
      <RequireRole needs="operator">{showCreate && <CreateTaskForm knownTypes={knownTypes} />}</RequireRole>

      <div className="card">
        {/* biome-ignore lint/a11y/useSemanticElements: React's DOM types have no <search> element yet */}
        <div className="filters" role="search">
          <FilterSelect
            label="State"
            value={form.state}
            options={TASK_STATE_OPTIONS}
            onValue={(state) => update({ state })}
            anyLabel="any"
            testId="task-filter-state"
          />
          <FilterInput
            label="Type"
            list="task-types"
            suggestions={knownTypes}
            value={form.type}
            onValue={(type) => update({ type })}
            placeholder="any"
            size={12}
            testId="task-filter-type"
          />
          <FilterInput
            label="Worker"
            list="task-workers"
            suggestions={(workerSuggestions.data?.items ?? []).map((w) => w.id)}
            value={form.workerId}
            onValue={(workerId) => update({ workerId })}
            placeholder="any"
            size={14}
            testId="task-filter-worker"
          />
          <FilterInput
            label="Search"
            type="search"
            value={form.search}
            onValue={(search) => update({ search })}
            placeholder="id, title, type or params"
            testId="task-filter-search"
            fieldStyle={{ flex: 1, minWidth: 200 }}
          />
        </div>
        <div className="row">
          <span className="muted small" data-testid="task-count">
            {count.data ? `${count.data.count.toLocaleString()} matching` : "counting…"}
          </span>
          <span className="spacer" />
          <RequireRole needs="operator">
            <BulkActions form={deferred} />
          </RequireRole>
        </div>
      </div>

      <DataTable testId="tasks-table" columns={COLUMNS}>
        {(page.data?.items ?? []).map((t) => (
          <tr key={t.id} data-testid={`task-row-${t.id}`}>
            <td>
              <Link href={`/tasks/${encodeURIComponent(t.id)}`}>{t.title || t.id}</Link>
              <div className="small muted mono">{t.id}</div>
            </td>
            <td className="mono small">{t.type}</td>
            <td>
              <StateBadge state={t.state} testId={`task-state-${t.id}`} />
              {isDelayed(t, now) && (
                <div className="small muted" data-testid={`task-runs-${t.id}`} title={formatDateTime(t.runAt)}>
                  runs {describeRunIn(t.runAt, now)}
                </div>
              )}
              {progress[t.id] && (
                <ProgressBar fraction={progress[t.id]?.fraction ?? 0} message={null} testId={`task-progress-${t.id}`} />
              )}
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
        {page.data && page.data.items.length === 0 && <EmptyRow colSpan={COLUMNS.length}>No tasks match.</EmptyRow>}
        {page.isError && (
          <tr>
            <td colSpan={COLUMNS.length}>
              <div className="error-box" role="alert">
                {page.error.message}
              </div>
            </td>
          </tr>
        )}
      </DataTable>
      <Pager
        hasPrevious={paging.hasPrevious}
        onPrevious={paging.goToPrevious}
        hasNext={!!nextCursor}
        onNext={() => paging.goToNext(nextCursor)}
        previousLabel="← Newer"
        nextLabel="Older →"
        testId="tasks"
      >
        <span className="muted small">page {paging.page}</span>
      </Pager>
    </div>
  );
}
