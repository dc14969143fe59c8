"use client";

import type { AuditRecord } from "@sentinel/api";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { FilterInput } from "../filters/filter-input";
import { formatDateTime } from "../format";
import { QueryState } from "../query-state";
import { type Column, DataTable } from "../table/data-table";
import { EmptyRow } from "../table/empty-row";
import { Pager } from "../table/pager";
import { useCursorPages } from "../use-cursor-pages";

const PAGE_SIZE = 100;
const COLUMNS: readonly Column[] = ["At", "Actor", "Role", "Action", "Target", "Before → after", "Result"];

interface AuditFilterForm {
  actor: string;
  action: string;
  target: string;
  from: string;
  to: string;
}
const EMPTY: AuditFilterForm = { actor: "", action: "", target: "", from: "", to: "" };

/** The form as the API's filter: blank fields left out, datetime-local read as the browser's time zone. */
function toFilter(form: AuditFilterForm) {
  const time = (value: string) => (value ? new Date(value).getTime() : Number.NaN);
  const from = time(form.from);
  const to = time(form.to);
  return {
    ...(form.actor.trim() ? { actor: form.actor.trim() } : {}),
    ...(form.action.trim() ? { action: form.action.trim() } : {}),
    ...(form.target.trim() ? { target: form.target.trim() } : {}),
    ...(Number.isFinite(from) ? { from } : {}),
    ...(Number.isFinite(to) ? { to } : {}),
  };
}

function describeSnapshot(snapshot: AuditRecord["before"]): string {
  if (!snapshot) return "–";
  const picked = [
    "state",
    "workerId",
    "pinnedWorkerId",
    "ownerId",
    "fencingToken",
    "strategy",
    "paused",
    "maxRunning",
    "role",
    "name",
  ]
    .filter((key) => key in snapshot)
    .map((key) => `${key}=${String(snapshot[key])}`);
  return picked.length > 0 ? picked.join(" ") : JSON.stringify(snapshot);
}

export function AuditView() {
  const trpc = useTRPC();
  const paging = useCursorPages<number>();
  const [form, setForm] = useState<AuditFilterForm>(EMPTY);
  const deferred = useDeferredValue(form);
  const update = (patch: Partial<AuditFilterForm>) => {
    paging.goToFirst();
    setForm((f) => ({ ...f, ...patch }));
  };
  const audit = useQuery({
    ...trpc.audit.list.queryOptions({ ...toFilter(deferred), limit: PAGE_SIZE, beforeId: paging.cursor ?? undefined }),
    placeholderData: keepPreviousData,
  });
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Audit log</h1>
        <span className="muted small">
          every operator action from the dashboard, the API and the CLI, kept in the coordination store
        </span>
      </div>
      <div className="card">
        {/* biome-ignore lint/a11y/useSemanticElements: React's DOM types have no <search> element yet */}
        <div className="filters" role="search">
          <FilterInput
            label="Actor"
            value={form.actor}
            onValue={(actor) => update({ actor })}
            testId="audit-filter-actor"
            placeholder="cli:alice"
          />
          <FilterInput
            label="Action"
            value={form.action}
            onValue={(action) => update({ action })}
            testId="audit-filter-action"
            placeholder="task.cancel, or task."
          />
          <FilterInput
            label="Target"
            value={form.target}
            onValue={(target) => update({ target })}
            testId="audit-filter-target"
          />
          <FilterInput
            label="From"
            type="datetime-local"
            value={form.from}
            onValue={(from) => update({ from })}
            testId="audit-filter-from"
          />
          <FilterInput
            label="To"
            type="datetime-local"
            value={form.to}
            onValue={(to) => update({ to })}
            testId="audit-filter-to"
          />
        </div>
      </div>
      {audit.data ? (
        <>
          <DataTable testId="audit-table" columns={COLUMNS} busy={audit.isPlaceholderData}>
            {audit.data.items.map((a) => (
              <tr key={a.id} data-testid="audit-row" data-action={a.action} data-actor={a.actor} data-result={a.result}>
                <td className="small">{formatDateTime(a.at)}</td>
                <td className="mono small">{a.actor}</td>
                <td className="small">{a.role}</td>
                <td className="mono small">{a.action}</td>
                <td className="mono small">{a.target}</td>
                <td
                  className="mono small"
                  style={{ maxWidth: 360, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}
                  title={`before ${JSON.stringify(a.before)}\nafter ${JSON.stringify(a.after)}`}
                >
                  {describeSnapshot(a.before)} → {describeSnapshot(a.after)}
                </td>
                <td>
                  {a.result === "ok" ? (
                    <span className="badge succeeded">ok</span>
                  ) : (
                    <span title={a.reason ?? undefined}>
                      <span className="badge dead">refused</span> <span className="small">{a.reason}</span>
                    </span>
                  )}
                </td>
              </tr>
            ))}
            {audit.data.items.length === 0 && <EmptyRow colSpan={COLUMNS.length}>No operator actions match.</EmptyRow>}
          </DataTable>
          <Pager
            hasPrevious={paging.hasPrevious}
            onPrevious={paging.goToPrevious}
            hasNext={audit.data.nextBeforeId !== null}
            onNext={() => paging.goToNext(audit.data.nextBeforeId)}
            previousLabel="← Newer"
            nextLabel="Older →"
          />
        </>
      ) : (
        <QueryState query={audit} title="Audit log" />
      )}
    </div>
  );
}
