"use client";

import type { RouterOutputs } from "@sentinel/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/react";
import { ActionButton, MutationError } from "../actions/action-button";
import { formatDateTime, formatDuration } from "../format";
import { QueryState } from "../query-state";
import { type Column, DataTable } from "../table/data-table";
import { EmptyRow } from "../table/empty-row";
import { useNow } from "../use-now";

type LockItem = RouterOutputs["locks"]["list"][number];

const COLUMNS: readonly Column[] = [
  "Task",
  "Type",
  "Owner",
  { label: "Fencing token", className: "num" },
  "Acquired",
  { label: "Expires", className: "num" },
  { label: "Actions", className: "actions" },
];

function LockRow({ lock, elapsedMs }: { lock: LockItem; elapsedMs: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const release = useMutation(
    trpc.locks.forceRelease.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.locks.pathFilter()),
          queryClient.invalidateQueries(trpc.tasks.pathFilter()),
        ]),
    }),
  );
  const expiresIn = lock.expiresInMs - elapsedMs;
  return (
    <tr data-testid={`lock-row-${lock.taskId}`} data-owner={lock.ownerId}>
      <td>
        <Link href={`/tasks/${encodeURIComponent(lock.taskId)}`} className="mono">
          {lock.taskId}
        </Link>
      </td>
      <td className="mono small">{lock.taskType}</td>
      <td className="mono" data-testid={`lock-owner-${lock.taskId}`}>
        {lock.ownerId}
        <div className="small muted">
          {lock.metadata.hostname} · pid {lock.metadata.pid}
        </div>
      </td>
      <td className="num mono" data-testid={`lock-token-${lock.taskId}`}>
        {lock.token}
      </td>
      <td>
        <div>{formatDuration(lock.ageMs + elapsedMs)} ago</div>
        <div className="small muted">{formatDateTime(lock.acquiredAt)}</div>
      </td>
      <td className="num" style={expiresIn < 0 ? { color: "var(--bad)" } : undefined}>
        {expiresIn < 0 ? `expired ${formatDuration(-expiresIn)} ago` : `in ${formatDuration(expiresIn)}`}
      </td>
      <td className="actions">
        <ActionButton
          label="Force release"
          danger
          testId={`lock-release-${lock.taskId}`}
          mutation={release}
          variables={{ taskId: lock.taskId }}
          confirm={`Force-release the lock on ${lock.taskId}? ${lock.ownerId}'s fencing token ${lock.token} becomes stale and its writes will be rejected.`}
        />
        <MutationError mutations={[release]} />
      </td>
    </tr>
  );
}

export function LocksView() {
  const trpc = useTRPC();
  const locks = useQuery(trpc.locks.list.queryOptions());
  const localNow = useNow(1000);
  if (!locks.data) return <QueryState query={locks} title="Locks" />;
  const elapsed = Math.max(0, localNow - locks.dataUpdatedAt);
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Locks</h1>
        <span className="muted small">
          {locks.data.length} live lock{locks.data.length === 1 ? "" : "s"} · a lock lives while its owner&apos;s lease
          is live and its task timeout has not run out
        </span>
      </div>
      <DataTable testId="locks-table" columns={COLUMNS}>
        {locks.data.map((lock) => (
          <LockRow key={`${lock.taskId}-${lock.token}`} lock={lock} elapsedMs={elapsed} />
        ))}
        {locks.data.length === 0 && (
          <EmptyRow colSpan={COLUMNS.length} testId="locks-empty">
            No live locks.
          </EmptyRow>
        )}
      </DataTable>
    </div>
  );
}
