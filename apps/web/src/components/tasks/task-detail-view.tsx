"use client";

import { describeRunIn, isDelayed } from "@sentinel/coordination/delay";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { RequireRole } from "../auth/auth-provider";
import { formatDateTime, formatDuration, formatJson, formatTime } from "../format";
import { QueryState } from "../query-state";
import { StateBadge } from "../state-badge";
import { useNow } from "../use-now";
import { TaskActions } from "./task-actions";
import { TaskAttemptsTable } from "./task-attempts-table";
import { TaskDependencyGraph } from "./task-dependency-graph";
import { TaskEditForm } from "./task-edit-form";
import { TaskEventList } from "./task-event-list";
import { TaskLogCard } from "./task-log-card";
import { WhyThisWorker } from "./why-this-worker";

/** Output some handlers return in their result (a command's truncated stdout); the task's own log is TaskLogCard. */
function logsOf(result: unknown): string | null {
  if (!result || typeof result !== "object") return null;
  const r = result as Record<string, unknown>;
  const parts = ["logs", "stdout", "stderr"]
    .map((k) => r[k])
    .filter((v): v is string => typeof v === "string" && v.length > 0);
  return parts.length ? parts.join("\n") : null;
}

export function TaskDetailView({ taskId }: { taskId: string }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.tasks.get.queryOptions({ taskId }));
  const now = useNow(1000);
  const [editing, setEditing] = useState(false);
  if (!detail.data) return <QueryState query={detail} title={`Task ${taskId}`} />;
  const { task, events, lock, lockHistory, heldBack, assignments, graph } = detail.data;
  const hasGraph = graph.dependencies.length > 0 || graph.dependents.length > 0;
  const logs = logsOf(task.result);

  return (
    <div className="stack" data-testid="task-detail" data-task-id={task.id}>
      <div className="page-head">
        <div>
          <div className="small muted">
            <Link href="/tasks">Tasks</Link> / <span className="mono">{task.id}</span>
          </div>
          <h1 style={{ marginTop: 4 }}>
            {task.title || task.id} <StateBadge state={task.state} testId="task-detail-state" />
          </h1>
        </div>
      </div>
      {heldBack && (
        <div className="alert" role="status" data-testid="task-detail-held">
          {heldBack}
        </div>
      )}
      <RequireRole needs="operator">
        <div className="card" data-testid="task-actions">
          <TaskActions task={task} />
          {task.state === "queued" && (
            <div style={{ marginTop: 8 }}>
              {editing ? (
                <TaskEditForm task={task} onDone={() => setEditing(false)} />
              ) : (
                <button type="button" onClick={() => setEditing(true)} data-testid="task-edit-open">
                  Edit priority or params…
                </button>
              )}
            </div>
          )}
        </div>
      </RequireRole>
      {hasGraph && (
        <div className="card">
          <h2>Dependencies</h2>
          <TaskDependencyGraph
            task={{ id: task.id, title: task.title, type: task.type, state: task.state }}
            graph={graph}
          />
          {task.dependsOn.length > 0 && (
            <div className="small muted" style={{ marginTop: 6 }} data-testid="task-detail-dependency-policy">
              if a dependency ends dead or cancelled, this task is{" "}
              {task.onDependencyFailure === "fail" ? "marked dead" : "cancelled"}
            </div>
          )}
        </div>
      )}
      <TaskLogCard taskId={task.id} />
      <div className="grid cols-2">
        <div className="card">
          <h2>Details</h2>
          <dl className="kv">
            <dt>Type</dt>
            <dd className="mono">{task.type}</dd>
            <dt>State</dt>
            <dd>
              <StateBadge state={task.state} />
            </dd>
            <dt>Priority</dt>
            <dd data-testid="task-detail-priority">{task.priority}</dd>
            <dt>Attempts</dt>
            <dd data-testid="task-detail-attempts">
              {task.attempts} of {task.maxAttempts}
            </dd>
            <dt>Worker</dt>
            <dd className="mono" data-testid="task-detail-worker">
              {task.workerId ?? "—"}
            </dd>
            <dt>Pinned to</dt>
            <dd className="mono" data-testid="task-detail-pinned">
              {task.pinnedWorkerId ?? "any worker"}
            </dd>
            <dt>Fencing token</dt>
            <dd className="mono" data-testid="task-detail-token">
              {task.fencingToken ?? "—"}
            </dd>
            <dt>Timeout</dt>
            <dd>{formatDuration(task.timeoutMs)}</dd>
            <dt>Run at</dt>
            <dd data-testid="task-detail-run-at">
              {formatDateTime(task.runAt)}
              {isDelayed(task, now) && (
                <span className="muted" data-testid="task-detail-runs-in">
                  {" "}
                  · runs {describeRunIn(task.runAt, now)}
                </span>
              )}
            </dd>
            <dt>Created</dt>
            <dd>{formatDateTime(task.createdAt)}</dd>
            <dt>Started</dt>
            <dd>{formatDateTime(task.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>{formatDateTime(task.finishedAt)}</dd>
            {task.affinityKey && (
              <>
                <dt>Affinity key</dt>
                <dd className="mono">{task.affinityKey}</dd>
              </>
            )}
          </dl>
        </div>
        <div className="stack">
          <div className="card">
            <h2>Lock</h2>
            {lock ? (
              <dl className="kv" data-testid="task-detail-lock">
                <dt>Owner</dt>
                <dd className="mono">{lock.ownerId}</dd>
                <dt>Fencing token</dt>
                <dd className="mono">{lock.token}</dd>
                <dt>Acquired</dt>
                <dd>{formatDateTime(lock.acquiredAt)}</dd>
                <dt>Expires</dt>
                <dd>{formatDateTime(lock.expiresAt)}</dd>
              </dl>
            ) : (
              <div className="muted small">No live lock.</div>
            )}
            {lockHistory.length > 0 && (
              <table className="data" style={{ marginTop: 8 }}>
                <thead>
                  <tr>
                    <th>At</th>
                    <th>Lock event</th>
                    <th>Owner</th>
                    <th className="num">Token</th>
                  </tr>
                </thead>
                <tbody>
                  {lockHistory.map((h) => (
                    <tr key={h.eventId}>
                      <td className="small">{formatTime(h.at)}</td>
                      <td className="mono small">{h.kind}</td>
                      <td className="mono small">{h.ownerId ?? "—"}</td>
                      <td className="num mono">{h.token ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          <div className="card">
            <h2>Params</h2>
            <pre className="json" data-testid="task-detail-params">
              {formatJson(task.params)}
            </pre>
          </div>
        </div>
      </div>
      <div className="grid cols-2">
        <div className="card">
          <h2>Attempts</h2>
          <TaskAttemptsTable events={events} />
        </div>
        <div className="card">
          <h2>Why this worker</h2>
          <WhyThisWorker assignments={assignments} />
        </div>
      </div>
      <div className="grid cols-2">
        <div className="card">
          <h2>Result</h2>
          <pre className="json" data-testid="task-detail-result">
            {task.result === null || task.result === undefined ? "—" : formatJson(task.result)}
          </pre>
          {task.lastError && (
            <>
              <h2 style={{ marginTop: 10 }}>Last error</h2>
              <div className="error-box" data-testid="task-detail-error">
                {task.lastError}
              </div>
            </>
          )}
          {logs && (
            <>
              <h2 style={{ marginTop: 10 }}>Output in the result</h2>
              <pre className="json">{logs}</pre>
            </>
          )}
        </div>
        <div className="card">
          <h2>Event timeline</h2>
          <TaskEventList events={events} />
        </div>
      </div>
    </div>
  );
}
