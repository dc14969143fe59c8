"use client";

import type { RouterOutputs } from "@sentinel/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { ActionButton, MutationError } from "../actions/action-button";
import { CapacityBar } from "../capacity-bar";
import { formatDuration } from "../format";
import { lateAfterMs } from "../heartbeat-gaps";
import { HeartbeatTimeline } from "../heartbeat-timeline";
import { StateBadge } from "../state-badge";

type WorkerListItem = RouterOutputs["workers"]["list"]["items"][number];

/** One worker's timeline with the instant its axis ends and how far its data is known. */
export type RowTimeline = RouterOutputs["workers"]["timelines"]["timelines"][number] & {
  now: number;
  knownUntil: number;
  /** No refetch pending since the read: everything the control plane knew then is drawn. */
  current: boolean;
};

function WorkerTimeline({
  workerId,
  timeline,
  windowMs,
}: {
  workerId: string;
  timeline: RowTimeline | null;
  windowMs: number;
}) {
  if (!timeline)
    return (
      <span className="muted small" data-testid={`heartbeat-timeline-loading-${workerId}`}>
        …
      </span>
    );
  return (
    <HeartbeatTimeline
      workerId={workerId}
      heartbeats={timeline.heartbeats}
      lastHeartbeatAt={timeline.lastHeartbeatAt}
      now={timeline.now}
      knownUntil={timeline.knownUntil}
      complete={timeline.current}
      intervalMs={timeline.heartbeatIntervalMs}
      staleThresholdMs={timeline.staleThresholdMs}
      windowMs={windowMs}
    />
  );
}

export function WorkerRow({
  worker,
  heartbeatAgeMs,
  timeline,
  windowMs,
}: {
  worker: WorkerListItem;
  heartbeatAgeMs: number;
  timeline: RowTimeline | null;
  windowMs: number;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () => queryClient.invalidateQueries(trpc.workers.pathFilter());
  const drain = useMutation(trpc.workers.drain.mutationOptions({ onSuccess }));
  const resume = useMutation(trpc.workers.resume.mutationOptions({ onSuccess }));
  const remove = useMutation(trpc.workers.remove.mutationOptions({ onSuccess }));
  const canDrain = worker.state === "ACTIVE" || worker.state === "BUSY";
  const silent = heartbeatAgeMs > lateAfterMs(worker.heartbeatIntervalMs);

  return (
    <tr data-testid={`worker-row-${worker.id}`} data-state={worker.state}>
      <td>
        <div className="mono">{worker.id}</div>
        <div className="small muted">
          {worker.hostname} · pid {worker.pid}
        </div>
      </td>
      <td>
        <StateBadge state={worker.state} testId={`worker-state-${worker.id}`} />
        {worker.drainRequested && worker.state !== "DRAINING" && worker.state !== "REMOVED" && (
          <div className="small muted">drain requested</div>
        )}
      </td>
      <td
        style={worker.leaseLive ? undefined : { opacity: 0.45 }}
        title={worker.leaseLive ? undefined : "last reported before its lease lapsed"}
      >
        <CapacityBar active={worker.activeTasks} max={worker.maxConcurrency} />
      </td>
      <td
        className={silent ? "num" : "num muted"}
        style={silent ? { color: "var(--warn)" } : undefined}
        data-testid={`worker-heartbeat-age-${worker.id}`}
      >
        {formatDuration(heartbeatAgeMs)} ago
      </td>
      <td className="timeline">
        <WorkerTimeline workerId={worker.id} timeline={timeline} windowMs={windowMs} />
      </td>
      <td
        className="small mono"
        style={{ maxWidth: 180, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}
        title={worker.supportedTaskTypes.join(", ")}
      >
        {worker.supportedTaskTypes.join(", ")}
      </td>
      <td className="actions">
        <div className="row" style={{ justifyContent: "flex-end", flexWrap: "nowrap" }}>
          {canDrain && (
            <ActionButton
              label="Drain"
              testId={`worker-drain-${worker.id}`}
              mutation={drain}
              variables={{ workerId: worker.id }}
              title="Finish running tasks, take no new ones, then leave"
            />
          )}
          {worker.state === "DRAINING" && (
            <ActionButton
              label="Resume"
              testId={`worker-resume-${worker.id}`}
              mutation={resume}
              variables={{ workerId: worker.id }}
            />
          )}
          {worker.state === "OFFLINE" && (
            <ActionButton
              label="Remove"
              danger
              testId={`worker-remove-${worker.id}`}
              mutation={remove}
              variables={{ workerId: worker.id }}
              confirm={`Remove offline worker ${worker.id}?`}
            />
          )}
        </div>
        <MutationError mutations={[drain, resume, remove]} testId={`worker-error-${worker.id}`} />
      </td>
    </tr>
  );
}
