"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/react";
import { CapacityBar } from "../capacity-bar";
import { StateBadge } from "../state-badge";

const SHOWN = 12;

/** The seed's "Capacity Tracking" view: live workers by utilisation, the order least-loaded picks from. */
export function CapacityByWorker() {
  const trpc = useTRPC();
  const workers = useQuery(trpc.workers.list.queryOptions({ includeRemoved: false }));
  const live = (workers.data ?? [])
    .filter((w) => w.leaseLive)
    .sort((a, b) => a.activeTasks / a.maxConcurrency - b.activeTasks / b.maxConcurrency || a.id.localeCompare(b.id));
  return (
    <div className="card" data-testid="capacity-by-worker">
      <div className="row">
        <h2>Capacity by worker</h2>
        <span className="spacer" />
        <span className="muted small">least loaded first{live.length > SHOWN ? ` · ${SHOWN} of ${live.length}` : ""}</span>
      </div>
      <table className="data">
        <tbody>
          {live.slice(0, SHOWN).map((w) => (
            <tr key={w.id}>
              <td className="mono">{w.id}</td>
              <td>
                <StateBadge state={w.state} />
              </td>
              <td>
                <CapacityBar active={w.activeTasks} max={w.maxConcurrency} />
              </td>
            </tr>
          ))}
          {workers.data && live.length === 0 && (
            <tr>
              <td className="muted">No worker holds a live lease.</td>
            </tr>
          )}
        </tbody>
      </table>
      {live.length > SHOWN && (
        <div className="small" style={{ marginTop: 6 }}>
          <Link href="/workers">All workers →</Link>
        </div>
      )}
    </div>
  );
}
