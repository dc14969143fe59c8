"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/react";
import { CapacityBar } from "../capacity-bar";
import { StateBadge } from "../state-badge";

const SHOWN = 12;

/** The seed's "Capacity Tracking" view: the busiest live workers, from the registry summary (never the whole list). */
export function CapacityByWorker() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.workers.summary.queryOptions({ top: SHOWN }));
  const live = summary.data?.busiest ?? [];
  const liveTotal = summary.data?.leaseLive ?? 0;
  return (
    <div className="card" data-testid="capacity-by-worker">
      <div className="row">
        <h2>Capacity by worker</h2>
        <span className="spacer" />
        <span className="muted small">busiest first{liveTotal > live.length ? ` · ${live.length} of ${liveTotal} live` : ""}</span>
      </div>
      <table className="data">
        <tbody>
          {live.map((w) => (
            <tr key={w.id} data-testid={`capacity-row-${w.id}`}>
              <td className="mono">{w.id}</td>
              <td>
                <StateBadge state={w.state} />
              </td>
              <td>
                <CapacityBar active={w.activeTasks} max={w.maxConcurrency} />
              </td>
            </tr>
          ))}
          {summary.data && live.length === 0 && (
            <tr>
              <td className="muted">No worker holds a live lease.</td>
            </tr>
          )}
        </tbody>
      </table>
      {liveTotal > live.length && (
        <div className="small" style={{ marginTop: 6 }}>
          <Link href="/workers">All workers →</Link>
        </div>
      )}
    </div>
  );
}
