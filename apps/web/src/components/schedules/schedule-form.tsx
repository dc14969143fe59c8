"use client";

import type { RouterOutputs } from "@sentinel/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { type FormEvent, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { errorMessage } from "../error-message";

export type ScheduleItem = Extract<RouterOutputs["schedules"]["list"], { supported: true }>["schedules"][number];

type Field = "name" | "timing" | "task" | "params" | "priority" | "catchUp" | "catchUpMax";
const CATCH_UP = [
  { value: "latest", label: "latest — fire the newest missed slot only" },
  { value: "all", label: "all — fire missed slots, up to a maximum" },
  { value: "skip", label: "skip — fire nothing that was missed" },
] as const;
type CatchUp = (typeof CATCH_UP)[number]["value"];

/** Server-side zod failures name their fields (`timing.cron`, `task.params`): map each to the form's input. */
function fieldsOf(error: unknown): Field[] {
  if (!(error instanceof TRPCClientError)) return [];
  const fields = (error.data as { fields?: unknown } | undefined)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.map((f) => {
    const path = String(f);
    if (path.startsWith("task.params")) return "params";
    if (path.startsWith("task.priority")) return "priority";
    return path.split(".")[0] as Field;
  });
}

function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/**
 * Create a schedule, or edit one (`existing`): its timing (a cron expression in a time zone,
 * or a fixed interval), the task each slot creates, and the catch-up policy after an outage.
 * The name and task type are fixed once created.
 */
export function ScheduleForm({
  existing,
  knownTypes,
  onDone,
}: {
  existing?: ScheduleItem;
  knownTypes: string[];
  onDone?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const prefix = existing ? `schedule-edit-${existing.name}` : "schedule-create";
  const [name, setName] = useState(existing?.name ?? "");
  const [type, setType] = useState(existing?.task.type ?? "");
  const [kind, setKind] = useState<"every" | "cron">(existing?.timing.cron !== undefined ? "cron" : "every");
  const [every, setEvery] = useState(existing?.timing.every ?? "1m");
  const [cron, setCron] = useState(existing?.timing.cron ?? "0 3 * * *");
  const [timezone, setTimezone] = useState(existing?.timing.timezone ?? (existing ? "UTC" : browserTimeZone()));
  const [priority, setPriority] = useState(String(existing?.task.priority ?? 0));
  const [params, setParams] = useState(JSON.stringify(existing?.task.params ?? {}, null, 2));
  const [catchUp, setCatchUp] = useState<CatchUp>(existing?.catchUp ?? "latest");
  const [catchUpMax, setCatchUpMax] = useState(String(existing?.catchUpMax ?? 10));
  const [paused, setPaused] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const options = {
    onSuccess: () => {
      void queryClient.invalidateQueries(trpc.schedules.pathFilter());
      onDone?.();
    },
    onError: (error: unknown) => {
      const next: Partial<Record<Field, string>> = {};
      for (const field of fieldsOf(error)) next[field] = errorMessage(error);
      setErrors(next);
    },
  };
  const create = useMutation(trpc.schedules.create.mutationOptions(options));
  const edit = useMutation(trpc.schedules.edit.mutationOptions(options));
  const mutation = existing ? edit : create;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    let parsedParams: unknown = {};
    try {
      parsedParams = params.trim() ? JSON.parse(params) : {};
    } catch (err) {
      found.params = `params must be valid JSON: ${errorMessage(err)}`;
    }
    const prio = Number(priority);
    if (!Number.isInteger(prio) || prio < -100 || prio > 100)
      found.priority = "priority must be an integer from -100 to 100";
    const max = Number(catchUpMax);
    if (catchUp === "all" && (!Number.isInteger(max) || max < 1 || max > 100))
      found.catchUpMax = "catch-up maximum must be an integer from 1 to 100";
    if (!existing && !name.trim()) found.name = "name is required";
    if (!existing && !type.trim()) found.task = "task type is required";
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const timing = kind === "every" ? { every: every.trim() } : { cron: cron.trim(), timezone: timezone.trim() };
    const task = {
      ...(existing?.task ?? {}),
      type: existing?.task.type ?? type.trim(),
      priority: prio,
      params: parsedParams,
    };
    const policy = { catchUp, ...(catchUp === "all" ? { catchUpMax: max } : {}) };
    if (existing) edit.mutate({ name: existing.name, timing, task, ...policy });
    else create.mutate({ name: name.trim(), timing, task, ...policy, paused });
  };

  const invalid = (f: Field) =>
    errors[f] ? { "aria-invalid": true as const, "aria-describedby": `${prefix}-${f}-error` } : {};
  const fieldError = (f: Field) =>
    errors[f] ? (
      <span className="field-error" id={`${prefix}-${f}-error`} data-testid={`${prefix}-${f}-error`}>
        {errors[f]}
      </span>
    ) : null;

  return (
    <form
      className="card stack"
      onSubmit={submit}
      aria-label={existing ? `Edit schedule ${existing.name}` : "Create a schedule"}
      data-testid={`${prefix}-form`}
      noValidate
    >
      <h2>{existing ? `Edit ${existing.name}` : "New schedule"}</h2>
      {!existing && (
        <div className="row" style={{ alignItems: "flex-start" }}>
          <label className="field">
            Name
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="e.g. nightly-report"
              {...invalid("name")}
              data-testid={`${prefix}-name`}
            />
            {fieldError("name")}
          </label>
          <label className="field">
            Task type
            <input
              list={`${prefix}-types`}
              value={type}
              onChange={(e) => setType(e.target.value)}
              placeholder="e.g. echo"
              {...invalid("task")}
              data-testid={`${prefix}-type`}
            />
            {fieldError("task")}
          </label>
          <datalist id={`${prefix}-types`}>
            {knownTypes.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </div>
      )}
      <div className="row" style={{ alignItems: "flex-start" }}>
        <label className="field">
          Repeats
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value as "every" | "cron")}
            data-testid={`${prefix}-kind`}
          >
            <option value="every">every (fixed interval)</option>
            <option value="cron">cron expression</option>
          </select>
        </label>
        {kind === "every" ? (
          <label className="field">
            Interval
            <input
              value={every}
              onChange={(e) => setEvery(e.target.value)}
              placeholder="30s, 5m, 1h"
              style={{ width: 100 }}
              {...invalid("timing")}
              data-testid={`${prefix}-every`}
            />
            {fieldError("timing")}
          </label>
        ) : (
          <>
            <label className="field">
              Cron (5 fields, or 6 with seconds first)
              <input
                value={cron}
                onChange={(e) => setCron(e.target.value)}
                className="mono"
                {...invalid("timing")}
                data-testid={`${prefix}-cron`}
              />
              {fieldError("timing")}
            </label>
            <label className="field">
              Time zone
              <input
                value={timezone}
                onChange={(e) => setTimezone(e.target.value)}
                placeholder="UTC, Europe/Berlin"
                data-testid={`${prefix}-timezone`}
              />
            </label>
          </>
        )}
        <label className="field">
          After an outage
          <select
            value={catchUp}
            onChange={(e) => setCatchUp(e.target.value as CatchUp)}
            data-testid={`${prefix}-catch-up`}
          >
            {CATCH_UP.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        {catchUp === "all" && (
          <label className="field">
            At most
            <input
              type="number"
              min={1}
              max={100}
              value={catchUpMax}
              onChange={(e) => setCatchUpMax(e.target.value)}
              style={{ width: 70 }}
              {...invalid("catchUpMax")}
              data-testid={`${prefix}-catch-up-max`}
            />
            {fieldError("catchUpMax")}
          </label>
        )}
        <label className="field">
          Priority
          <input
            type="number"
            min={-100}
            max={100}
            value={priority}
            onChange={(e) => setPriority(e.target.value)}
            style={{ width: 80 }}
            {...invalid("priority")}
            data-testid={`${prefix}-priority`}
          />
          {fieldError("priority")}
        </label>
      </div>
      <label className="field">
        Params of each slot's task (JSON)
        <textarea
          value={params}
          onChange={(e) => setParams(e.target.value)}
          spellCheck={false}
          {...invalid("params")}
          data-testid={`${prefix}-params`}
        />
        {fieldError("params")}
      </label>
      <div className="row">
        {!existing && (
          <label className="row small" style={{ gap: 4 }}>
            <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} /> create paused
          </label>
        )}
        <button type="submit" className="primary" disabled={mutation.isPending} data-testid={`${prefix}-submit`}>
          {mutation.isPending ? "Saving…" : existing ? "Save changes" : "Create schedule"}
        </button>
        {existing && (
          <button type="button" onClick={onDone} data-testid={`${prefix}-cancel`}>
            Cancel
          </button>
        )}
        {mutation.isError && fieldsOf(mutation.error).length === 0 && (
          <div className="error-box" role="alert" data-testid={`${prefix}-error`}>
            {errorMessage(mutation.error)}
          </div>
        )}
      </div>
    </form>
  );
}
