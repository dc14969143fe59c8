"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { ActionButton, MutationError } from "../actions/action-button";
import { RequireRole } from "../auth/auth-provider";
import { formatDateTime } from "../format";
import { QueryState } from "../query-state";
import { StateBadge } from "../state-badge";
import { type Column, DataTable } from "../table/data-table";
import { EmptyRow } from "../table/empty-row";
import { ScheduleForm, type ScheduleItem } from "./schedule-form";
import { ScheduleHistory } from "./schedule-history";

const COLUMNS: readonly Column[] = [
  "Schedule",
  "Timing",
  "Task",
  "After an outage",
  "Status",
  "Next runs",
  "Last slot",
  { label: "Actions", className: "actions" },
];

function describeTiming(s: ScheduleItem): string {
  return s.timing.every !== undefined ? `every ${s.timing.every}` : `${s.timing.cron}`;
}

function describeCatchUp(s: ScheduleItem): string {
  return s.catchUp === "all" ? `all (≤ ${s.catchUpMax})` : s.catchUp;
}

function ScheduleRow({ s, selected, onEdit }: { s: ScheduleItem; selected: boolean; onEdit: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () => queryClient.invalidateQueries(trpc.schedules.pathFilter());
  const pause = useMutation(trpc.schedules.pause.mutationOptions({ onSuccess }));
  const resume = useMutation(trpc.schedules.resume.mutationOptions({ onSuccess }));
  const remove = useMutation(trpc.schedules.delete.mutationOptions({ onSuccess }));
  return (
    <tr data-testid={`schedule-row-${s.name}`} data-selected={selected || undefined}>
      <td>
        <Link
          href={selected ? "/schedules" : `/schedules?schedule=${encodeURIComponent(s.name)}`}
          data-testid={`schedule-open-${s.name}`}
          title={selected ? "hide its runs" : "show what each slot created"}
        >
          {s.name}
        </Link>
        <div className="small muted">by {s.createdBy}</div>
      </td>
      <td>
        <span className="mono small">{describeTiming(s)}</span>
        {s.timing.cron !== undefined && <div className="small muted">{s.timing.timezone ?? "UTC"}</div>}
      </td>
      <td className="mono small">
        {s.task.type}
        {s.task.priority !== 0 && <div className="muted">priority {s.task.priority}</div>}
      </td>
      <td className="small">{describeCatchUp(s)}</td>
      <td data-testid={`schedule-status-${s.name}`} data-paused={String(s.paused)}>
        {s.paused ? <span className="badge DRAINING">paused</span> : <span className="badge ACTIVE">active</span>}
        {s.paused && (
          <div className="small muted">
            by {s.updatedBy} at {formatDateTime(s.updatedAt)}
          </div>
        )}
      </td>
      <td className="small" data-testid={`schedule-next-${s.name}`}>
        {s.nextRuns.length ? s.nextRuns.map((at) => <div key={at}>{formatDateTime(at)}</div>) : "—"}
      </td>
      <td className="small" data-testid={`schedule-last-${s.name}`}>
        {s.lastRun ? (
          <>
            <div>{formatDateTime(s.lastRun.slotAt)}</div>
            <Link className="mono" href={`/tasks/${encodeURIComponent(s.lastRun.taskId)}`}>
              {s.lastRun.taskId}
            </Link>{" "}
            {s.lastRun.task && <StateBadge state={s.lastRun.task.state} />}
          </>
        ) : (
          <span className="muted">none yet</span>
        )}
      </td>
      <td className="actions">
        {s.paused ? (
          <ActionButton
            label="Resume"
            primary
            testId={`schedule-resume-${s.name}`}
            mutation={resume}
            variables={{ name: s.name }}
            confirm={`Resume ${s.name}? It fires from its next slot; the slots missed while paused are not fired.`}
          />
        ) : (
          <ActionButton
            label="Pause"
            testId={`schedule-pause-${s.name}`}
            mutation={pause}
            variables={{ name: s.name }}
            confirm={`Pause ${s.name}? It creates no tasks until resumed.`}
          />
        )}
        <RequireRole needs="operator">
          <button type="button" onClick={onEdit} data-testid={`schedule-edit-${s.name}`}>
            Edit
          </button>
        </RequireRole>
        <ActionButton
          label="Delete"
          danger
          testId={`schedule-delete-${s.name}`}
          mutation={remove}
          variables={{ name: s.name }}
          confirm={`Delete schedule ${s.name}? The tasks it created stay.`}
        />
        <MutationError mutations={[pause, resume, remove]} />
      </td>
    </tr>
  );
}

/**
 * Repeating schedules: each slot of a cron expression or interval creates one task. The
 * selected schedule (`?schedule=name`, so a link can open it) shows what each slot created.
 */
export function SchedulesView({ selected }: { selected: string | null }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.schedules.list.queryOptions());
  const taskTypes = useQuery(trpc.workers.taskTypes.queryOptions());
  const [showCreate, setShowCreate] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  if (!list.data) return <QueryState query={list} title="Schedules" />;
  const knownTypes = taskTypes.data ?? [];
  if (!list.data.supported)
    return (
      <div className="stack">
        <h1>Schedules</h1>
        <div className="info-box" role="status" data-testid="schedules-unsupported">
          The {list.data.backend} backend has no repeating schedules yet (see docs/flow-control.md). Delayed tasks (the
          New task form's Delay) work on every backend.
        </div>
      </div>
    );
  const schedules = list.data.schedules;
  const editingItem = schedules.find((s) => s.name === editing);
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Schedules</h1>
        <RequireRole needs="operator">
          <button
            type="button"
            className="primary"
            onClick={() => setShowCreate((v) => !v)}
            aria-expanded={showCreate}
            data-testid="schedule-create-toggle"
          >
            {showCreate ? "Close" : "New schedule"}
          </button>
        </RequireRole>
      </div>
      <RequireRole needs="operator">
        {showCreate && <ScheduleForm knownTypes={knownTypes} onDone={() => setShowCreate(false)} />}
        {editingItem && (
          <ScheduleForm
            key={editingItem.name}
            existing={editingItem}
            knownTypes={knownTypes}
            onDone={() => setEditing(null)}
          />
        )}
      </RequireRole>
      <DataTable testId="schedules-table" columns={COLUMNS}>
        {schedules.map((s) => (
          <ScheduleRow key={s.id} s={s} selected={selected === s.name} onEdit={() => setEditing(s.name)} />
        ))}
        {schedules.length === 0 && (
          <EmptyRow colSpan={COLUMNS.length} testId="schedules-empty">
            No schedules.
          </EmptyRow>
        )}
      </DataTable>
      {selected && schedules.some((s) => s.name === selected) && <ScheduleHistory name={selected} />}
    </div>
  );
}
