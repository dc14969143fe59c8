"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { formatDateTime } from "../format";
import { QueryState } from "../query-state";
import { useCursorPages } from "../use-cursor-pages";

const PAGE_SIZE = 100;

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
      <div className="card" style={{ padding: 0, overflowX: "auto" }}>
        <table className="data" data-testid="audit-table">
          <thead>
            <tr>
              <th>At</th>
              <th>Operator</th>
              <th>Action</th>
              <th>Target</th>
              <th>Parameters</th>
              <th>Result</th>
            </tr>
          </thead>
          <tbody>
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
            {audit.data.items.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No operator actions yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button type="button" disabled={!paging.hasPrevious} onClick={paging.goToPrevious}>
          ← Newer
        </button>
        <button type="button" disabled={next === null} onClick={() => paging.goToNext(next)}>
          Older →
        </button>
      </div>
    </div>
  );
}
