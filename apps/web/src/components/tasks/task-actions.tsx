"use client";

import type { RouterOutputs } from "@sentinel/api";
import { isDelayed } from "@sentinel/coordination/delay";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { ActionButton, MutationError } from "../actions/action-button";
import { useNow } from "../use-now";

type Task = RouterOutputs["tasks"]["get"]["task"];

const ANY_WORKER = "__any__";
const TERMINAL = ["succeeded", "dead", "cancelled"];

/** Reassign (to a chosen live worker or any), retry, cancel, requeue. */
export function TaskActions({ task }: { task: Task }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Live workers that run this type, as a bounded page: the registry may hold a thousand.
  // Lease-live workers change with state changes ("workers" changes), not with each heartbeat.
  const workers = useQuery({
    ...trpc.workers.list.queryOptions({ supportsType: task.type, leaseLiveOnly: true, limit: 100 }),
    meta: { followsHeartbeats: false },
  });
  const [target, setTarget] = useState(ANY_WORKER);
  const onSuccess = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.tasks.pathFilter()),
      queryClient.invalidateQueries(trpc.locks.pathFilter()),
    ]);
  const reassign = useMutation(trpc.tasks.reassign.mutationOptions({ onSuccess }));
  const retry = useMutation(trpc.tasks.retry.mutationOptions({ onSuccess }));
  const cancel = useMutation(trpc.tasks.cancel.mutationOptions({ onSuccess }));
  const requeue = useMutation(trpc.tasks.requeue.mutationOptions({ onSuccess }));
  const promote = useMutation(trpc.tasks.promote.mutationOptions({ onSuccess }));
  // The page re-renders every second anyway (the detail's "runs in"); the button follows it.
  const delayed = isDelayed(task, useNow(1000));

  const candidates = (workers.data?.items ?? []).filter((w) => w.state === "ACTIVE" || w.state === "BUSY");
  const terminal = TERMINAL.includes(task.state);
  const retryable = ["failed", "dead", "cancelled"].includes(task.state);

  return (
    <div className="stack" style={{ gap: 6 }}>
      <div className="row">
        <label className="row small muted" style={{ gap: 6 }}>
          Reassign to
          <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="reassign-target">
            <option value={ANY_WORKER}>any eligible worker</option>
            {candidates.map((w) => (
              <option key={w.id} value={w.id} disabled={w.id === task.workerId && task.state === "running"}>
                {w.id} ({w.activeTasks}/{w.maxConcurrency})
              </option>
            ))}
          </select>
        </label>
        <ActionButton
          label="Reassign"
          testId="task-reassign"
          mutation={reassign}
          variables={{ taskId: task.id, workerId: target === ANY_WORKER ? null : target }}
          confirm={
            task.state === "running"
              ? `Task is running on ${task.workerId}. Reassigning releases its lock: ${task.workerId}'s fencing token ${task.fencingToken} becomes stale and its result will be rejected. Continue?`
              : undefined
          }
        />
        <span className="spacer" />
        <ActionButton
          label="Run now"
          testId="task-promote"
          mutation={promote}
          variables={{ taskId: task.id }}
          disabled={!delayed}
          title="Promote a delayed task: it becomes claimable now instead of at its scheduled time"
        />
        <ActionButton
          label="Retry"
          testId="task-retry"
          mutation={retry}
          variables={{ taskId: task.id }}
          disabled={!retryable}
          title="Run again from attempt 1 (failed, dead or cancelled tasks)"
        />
        <ActionButton
          label="Requeue"
          testId="task-requeue"
          mutation={requeue}
          variables={{ taskId: task.id }}
          disabled={task.state === "queued"}
          title="Back to the queue now; releases any lock"
        />
        <ActionButton
          label="Cancel"
          danger
          testId="task-cancel"
          mutation={cancel}
          variables={{ taskId: task.id }}
          disabled={terminal}
          confirm={`Cancel task ${task.id}?`}
        />
      </div>
      <MutationError mutations={[reassign, retry, cancel, requeue, promote]} testId="task-action-error" />
    </div>
  );
}
