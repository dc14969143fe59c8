"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/react";
import { errorMessage } from "../error-message";
import { formatDateTime } from "../format";
import { StateBadge } from "../state-badge";
import { EmptyRow } from "../table/empty-row";

const HISTORY = 50;

/** What each slot of one schedule created, newest first, each linked to its task. */
export function ScheduleHistory({ name }: { name: string }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.schedules.get.queryOptions({ name, limit: HISTORY }));
  return (
    <div className="card" data-testid={`schedule-history-${name}`}>
      <h2>
        Runs of <span className="mono">{name}</span>
      </h2>
      {detail.isError && (
        <div className="error-box" role="alert">
          {errorMessage(detail.error)}
        </div>
      )}
      {detail.data && (
        <>
          <div className="small muted" style={{ marginBottom: 6 }}>
            Next:{" "}
            {detail.data.nextRuns.length
              ? detail.data.nextRuns.map((at) => formatDateTime(at)).join(" · ")
              : "none (paused)"}
          </div>
          <table className="data">
            <thead>
              <tr>
                <th>Slot</th>
                <th>Task</th>
                <th>State</th>
                <th>Fired</th>
                <th>By</th>
              </tr>
            </thead>
            <tbody>
              {detail.data.runs.map((run) => (
                <tr key={run.slotAt} data-testid={`schedule-run-${name}`}>
                  <td className="small">{formatDateTime(run.slotAt)}</td>
                  <td className="mono small">
                    <Link href={`/tasks/${encodeURIComponent(run.taskId)}`}>{run.taskId}</Link>
                  </td>
                  <td>{run.task ? <StateBadge state={run.task.state} /> : <span className="muted small">—</span>}</td>
                  <td className="small muted">{formatDateTime(run.firedAt)}</td>
                  <td className="mono small muted">{run.firedBy}</td>
                </tr>
              ))}
              {detail.data.runs.length === 0 && <EmptyRow colSpan={5}>No slot has fired yet.</EmptyRow>}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
