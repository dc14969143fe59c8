"use client";

import type { RouterOutputs } from "@sentinel/api";
import Link from "next/link";
import { CapacityBar } from "../capacity-bar";
import { StateBadge } from "../state-badge";

/** Rows the overview asks `workers.summary` for. */
export const CAPACITY_ROWS = 12;

type WorkerSummary = RouterOutputs["workers"]["summary"];

/** Capacity by worker: the busiest live workers, from the registry summary (never the whole list). */
export function CapacityByWorker({ summary }: { summary: WorkerSummary }) {
  const live = summary.busiest;
  const liveTotal = summary.leaseLive;
  return (
    <div className="card" data-testid="capacity-by-worker">
      <div className="row">
        <h2>Capacity by worker</h2>
        <span className="spacer" />
        <span className="muted small">
          busiest first{liveTotal > live.length ? ` · ${live.length} of ${liveTotal} live` : ""}
        </span>
      </div>
      <table className="data">
        <thead>
          <tr>
            <th style={{ width: "22%" }}>Worker</th>
            <th style={{ width: "12%" }}>State</th>
            <th style={{ width: "26%" }}>Slots in use</th>
            <th className="num" style={{ width: "10%" }}>
              Free
            </th>
            <th>Types</th>
          </tr>
        </thead>
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
              <td className="num">{w.availableSlots}</td>
              <td className="small mono muted">{w.supportedTaskTypes.join(", ")}</td>
            </tr>
          ))}
          {live.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No worker holds a live lease.
              </td>
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
