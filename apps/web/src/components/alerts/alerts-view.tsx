"use client";

import type { RouterOutputs } from "@sentinel/api";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { formatDateTime } from "../format";
import { QueryState } from "../query-state";
import { type Column, DataTable } from "../table/data-table";
import { EmptyRow } from "../table/empty-row";

type AlertRow = RouterOutputs["alerts"]["list"]["alerts"][number];
type Delivery = AlertRow["deliveries"][number];

const COLUMNS: readonly Column[] = ["Alert", "State", "Fired", "Resolved", "Deliveries"];

/** A delivery's state in the colours of the task states it resembles. */
const DELIVERY_BADGE: Record<Delivery["state"], string> = {
  delivered: "succeeded",
  delivering: "running",
  pending: "queued",
  retrying: "failed",
  gave_up: "dead",
};

function DeliveryLine({ d }: { d: Delivery }) {
  const last = d.attempts.at(-1);
  return (
    <li data-testid="alert-delivery" data-transition={d.transition} data-channel={d.channel} data-state={d.state}>
      <span className="mono small">
        {d.transition} → {d.channel}
      </span>{" "}
      <span className={`badge ${DELIVERY_BADGE[d.state]}`}>{d.state.replace("_", " ")}</span>{" "}
      <span className="small muted">
        {d.attempts.length} attempt{d.attempts.length === 1 ? "" : "s"}
        {last &&
          ` · last ${formatDateTime(last.at)}: ${last.ok ? `HTTP ${last.status ?? "ok"}` : (last.error ?? "failed")}`}
        {last?.retryAt && d.state === "retrying" ? ` · retry at ${formatDateTime(last.retryAt)}` : ""}
        {typeof d.result?.issue === "number" ? ` · issue #${d.result.issue}` : ""}
      </span>
      {d.attempts.length > 1 && (
        <details>
          <summary className="small">every attempt</summary>
          <ol className="small" data-testid="alert-attempts">
            {d.attempts.map((a) => (
              <li key={`${a.at}-${a.by}`} data-ok={a.ok}>
                {formatDateTime(a.at)} · {a.by} · {a.ok ? `HTTP ${a.status}` : (a.error ?? "failed")}
              </li>
            ))}
          </ol>
        </details>
      )}
    </li>
  );
}

export function AlertsView() {
  const trpc = useTRPC();
  const alerts = useQuery(trpc.alerts.list.queryOptions({ limit: 100 }));
  if (!alerts.data) return <QueryState query={alerts} title="Alerts" />;
  const { channels, firing, total } = alerts.data;
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Alerts</h1>
        <span className="muted small" data-testid="alerts-summary">
          {firing} firing · {total} recorded · kept in the coordination store, the same on every control plane
        </span>
      </div>
      <div className="card small" data-testid="alert-channels">
        {channels.length === 0
          ? "No delivery channel configured: alerts are recorded and shown here, not sent (SENTINEL_ALERT_WEBHOOK_URL, SENTINEL_ALERT_GITHUB_ISSUES)."
          : `Delivered to: ${channels.map((c) => `${c.channel} ${c.target}`).join(", ")}`}
      </div>
      <DataTable testId="alerts-table" columns={COLUMNS}>
        {alerts.data.alerts.map((a) => (
          <tr key={a.id} data-testid="alert-row" data-code={a.code} data-state={a.state}>
            <td>
              <div>
                <span className={`badge ${a.severity === "critical" ? "dead" : "failed"}`}>{a.severity}</span>{" "}
                <span className="mono small">
                  {a.code}
                  {a.subject === null ? "" : ` (${a.subject})`}
                </span>
              </div>
              <div className="small">{a.message}</div>
            </td>
            <td>
              <span className={`badge ${a.state === "firing" ? "dead" : "succeeded"}`}>{a.state}</span>
            </td>
            <td className="small" title={`recorded by ${a.firedBy}`}>
              {formatDateTime(a.firedAt)}
            </td>
            <td className="small">{a.resolvedAt === null ? "–" : formatDateTime(a.resolvedAt)}</td>
            <td>
              {a.deliveries.length === 0 ? (
                <span className="small muted">{channels.length === 0 ? "not sent" : "pending"}</span>
              ) : (
                <ul className="delivery-list">
                  {a.deliveries.map((d) => (
                    <DeliveryLine key={`${d.transition}-${d.channel}`} d={d} />
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
        {alerts.data.alerts.length === 0 && <EmptyRow colSpan={COLUMNS.length}>No alert has fired.</EmptyRow>}
      </DataTable>
    </div>
  );
}
