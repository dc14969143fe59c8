"use client";

import type { RouterOutputs } from "@sentinel/api";
import { describeLimit } from "@sentinel/coordination/type-limit";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { ActionButton, MutationError } from "../actions/action-button";
import { useAuth } from "../auth/auth-provider";
import { formatDateTime } from "../format";
import { QueryState } from "../query-state";
import { QueueLimitForm } from "./queue-limit-form";

type TypePause = NonNullable<RouterOutputs["queues"]["list"]["all"]>;
type QueueItem = RouterOutputs["queues"]["list"]["types"][number];

/** The whole queue's pause is a row of its own, keyed by the store's `*`. */
const WHOLE_QUEUE = "*";

function PausedBadge({ pause, testId }: { pause: TypePause | null; testId: string }) {
  if (!pause)
    return (
      <span className="badge ACTIVE" data-testid={testId} data-paused="false">
        running
      </span>
    );
  return (
    <span data-testid={testId} data-paused="true">
      <span className="badge DRAINING">paused</span>{" "}
      <span className="small muted">
        by {pause.pausedBy} at {formatDateTime(pause.pausedAt)}
        {pause.type === WHOLE_QUEUE ? " (whole queue)" : ""}
      </span>
    </span>
  );
}

/** One row: counts, limits, its pause (own or the whole queue's), a pause or resume button for its own, and its limits' form. */
function QueueRow({ type, item, pause }: { type: string; item: QueueItem | null; pause: TypePause | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useAuth();
  const [editingLimits, setEditingLimits] = useState(false);
  const onSuccess = () => queryClient.invalidateQueries(trpc.queues.pathFilter());
  const pauseIt = useMutation(trpc.queues.pause.mutationOptions({ onSuccess }));
  const resume = useMutation(trpc.queues.resume.mutationOptions({ onSuccess }));
  const ownPause = pause?.type === type;
  const label = type === WHOLE_QUEUE ? "the whole queue" : `type ${type}`;
  return (
    <tr data-testid={`queue-row-${type}`}>
      <td className="mono">{type === WHOLE_QUEUE ? "all types (*)" : type}</td>
      <td className="num">{item?.waiting.toLocaleString()}</td>
      <td className="num">{item?.running.toLocaleString()}</td>
      <td className="small" data-testid={`queue-limit-${type}`}>
        {item?.limit ? describeLimit(item.limit) : ""}
      </td>
      <td>
        <PausedBadge pause={pause} testId={`queue-state-${type}`} />
        {item?.waitingForLimit && (
          <div className="small" data-testid={`queue-waiting-${type}`}>
            <span className="badge STALE">waiting for limit</span> <span className="muted">{item.waitingForLimit}</span>
          </div>
        )}
      </td>
      <td className="actions">
        {ownPause ? (
          <ActionButton label="Resume" primary testId={`queue-resume-${type}`} mutation={resume} variables={{ type }} />
        ) : (
          <ActionButton
            label="Pause"
            testId={`queue-pause-${type}`}
            mutation={pauseIt}
            variables={{ type }}
            confirm={`Pause ${label}? Workers stop claiming its tasks; running tasks finish.`}
          />
        )}
        {item && can("operator") && !editingLimits && (
          <button type="button" onClick={() => setEditingLimits(true)} data-testid={`queue-limit-edit-${type}`}>
            Limits…
          </button>
        )}
        <MutationError mutations={[pauseIt, resume]} />
        {item && editingLimits && (
          <QueueLimitForm type={type} limit={item.limit} onDone={() => setEditingLimits(false)} />
        )}
      </td>
    </tr>
  );
}

/** Flow control on the overview: which task types workers claim, and the controls to pause and limit them. */
export function QueuesCard() {
  const trpc = useTRPC();
  const queues = useQuery(trpc.queues.list.queryOptions());
  if (!queues.data) return <QueryState query={queues} title="Queues" />;
  const { all, types } = queues.data;
  return (
    <div className="card" data-testid="queues-card">
      <h2>Queues</h2>
      <table className="data">
        <thead>
          <tr>
            <th>Type</th>
            <th className="num">Waiting</th>
            <th className="num">Running</th>
            <th>Limits</th>
            <th>Claims</th>
            <th className="actions">Actions</th>
          </tr>
        </thead>
        <tbody>
          <QueueRow type={WHOLE_QUEUE} item={null} pause={all} />
          {types.map((row) => (
            <QueueRow key={row.type} type={row.type} item={row} pause={row.pause} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
