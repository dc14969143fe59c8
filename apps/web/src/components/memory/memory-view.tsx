"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { formatDateTime, formatJson } from "../format";
import { QueryState } from "../query-state";
import { type Column, DataTable } from "../table/data-table";
import { EmptyRow } from "../table/empty-row";
import { Pager } from "../table/pager";
import { useCursorPages } from "../use-cursor-pages";

const PAGE_SIZE = 100;
const COLUMNS: readonly Column[] = ["Key", "Value", { label: "Version", className: "num" }, "Writer", "Updated"];

export function MemoryView() {
  const trpc = useTRPC();
  const namespaces = useQuery(trpc.memory.namespaces.queryOptions());
  const [namespace, setNamespace] = useState("swarm");
  const [path, setPath] = useState("");
  const prefix = `${namespace}/${useDeferredValue(path).trim()}`;
  const paging = useCursorPages<string>();
  const entries = useQuery({
    ...trpc.memory.list.queryOptions({ prefix, limit: PAGE_SIZE, afterKey: paging.cursor }),
    placeholderData: keepPreviousData,
  });
  const [selected, setSelected] = useState<string | null>(null);

  if (!namespaces.data) return <QueryState query={namespaces} title="Memory" />;
  const nextAfterKey = entries.data?.nextAfterKey ?? null;
  const selectedEntry = entries.data?.items.find((e) => e.key === selected) ?? null;

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Memory</h1>
        <span className="muted small">shared key/value memory · last write wins by the store&apos;s order</span>
      </div>
      <div className="row" role="tablist" aria-label="Namespaces">
        {namespaces.data.map((n) => (
          <button
            key={n.namespace}
            type="button"
            role="tab"
            aria-selected={n.namespace === namespace}
            className={n.namespace === namespace ? "primary" : undefined}
            onClick={() => {
              setNamespace(n.namespace);
              paging.goToFirst();
              setSelected(null);
            }}
            data-testid={`memory-ns-${n.namespace}`}
          >
            {n.namespace}/* <span className="muted">({n.entries})</span>
          </button>
        ))}
        <label className="row small muted" style={{ gap: 6, marginLeft: 12 }}>
          Key prefix
          <span className="mono">{namespace}/</span>
          <input
            value={path}
            onChange={(e) => {
              setPath(e.target.value);
              paging.goToFirst();
            }}
            placeholder="e.g. worker-1/"
            data-testid="memory-prefix"
          />
        </label>
      </div>
      <div className="grid cols-2" style={{ gridTemplateColumns: "3fr 2fr" }}>
        <DataTable testId="memory-table" columns={COLUMNS}>
          {(entries.data?.items ?? []).map((e) => (
            <tr
              key={e.key}
              onClick={() => setSelected(e.key)}
              style={{ cursor: "pointer" }}
              aria-selected={e.key === selected}
            >
              <td className="mono small">
                <button type="button" style={{ all: "unset", cursor: "pointer" }} onClick={() => setSelected(e.key)}>
                  {e.key}
                </button>
              </td>
              <td
                className="mono small"
                style={{ maxWidth: 260, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}
              >
                {JSON.stringify(e.value)}
              </td>
              <td className="num mono">{e.version}</td>
              <td className="mono small">{e.writerId}</td>
              <td className="small">{formatDateTime(e.updatedAt)}</td>
            </tr>
          ))}
          {entries.data?.items.length === 0 && <EmptyRow colSpan={COLUMNS.length}>No entries under {prefix}.</EmptyRow>}
        </DataTable>
        <div className="card">
          <h2>{selectedEntry ? <span className="mono">{selectedEntry.key}</span> : "Entry"}</h2>
          {selectedEntry ? (
            <pre className="json">{formatJson(selectedEntry.value)}</pre>
          ) : (
            <div className="muted small">Select an entry to see its value.</div>
          )}
        </div>
      </div>
      <Pager
        hasPrevious={paging.hasPrevious}
        onPrevious={paging.goToPrevious}
        hasNext={Boolean(nextAfterKey)}
        onNext={() => paging.goToNext(nextAfterKey)}
      />
    </div>
  );
}
