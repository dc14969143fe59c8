"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { formatDateTime } from "../format";
import { QueryState } from "../query-state";
import { type Column, DataTable } from "../table/data-table";
import { EmptyRow } from "../table/empty-row";
import { Pager } from "../table/pager";
import { useCursorPages } from "../use-cursor-pages";

const PAGE_SIZE = 100;
const COLUMNS: readonly Column[] = ["At", "Operator", "Action", "Target", "Parameters", "Result"];

export function AuditView() {
  const trpc = useTRPC();
  const paging = useCursorPages<number>();
  const audit = useQuery({
    ...trpc.audit.list.queryOptions({ limit: PAGE_SIZE, beforeId: paging.cursor }),
    placeholderData: keepPreviousData,
  });
  if (!audit.data) return <QueryState query={audit} title="Audit log" />;
  const next = audit.data.nextBeforeId;
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Audit log</h1>
        <span className="muted small">every operator action, who did it, and how it ended</span>
      </div>
      <DataTable testId="audit-table" columns={COLUMNS}>
        {audit.data.items.map((a) => (
          <tr key={a.id} data-testid="audit-row" data-action={a.action}>
            <td className="small">{formatDateTime(a.at)}</td>
            <td className="mono small">{a.operator}</td>
            <td className="mono small">{a.action}</td>
            <td className="mono small">{a.target}</td>
            <td
              className="mono small"
              style={{ maxWidth: 320, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}
              title={JSON.stringify(a.params)}
            >
              {JSON.stringify(a.params)}
            </td>
            <td>
              {a.result === "ok" ? (
                <span className="badge succeeded">ok</span>
              ) : (
                <span title={a.error ?? undefined}>
                  <span className="badge dead">error</span> <span className="small">{a.error}</span>
                </span>
              )}
            </td>
          </tr>
        ))}
        {audit.data.items.length === 0 && <EmptyRow colSpan={COLUMNS.length}>No operator actions yet.</EmptyRow>}
      </DataTable>
      <Pager
        hasPrevious={paging.hasPrevious}
        onPrevious={paging.goToPrevious}
        hasNext={next !== null}
        onNext={() => paging.goToNext(next)}
        previousLabel="← Newer"
        nextLabel="Older →"
      />
    </div>
  );
}
