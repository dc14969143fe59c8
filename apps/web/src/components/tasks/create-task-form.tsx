"use client";

import { parseDelay } from "@sentinel/coordination/delay";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { errorMessage } from "../error-message";

type Field = "type" | "priority" | "params" | "maxAttempts" | "title" | "delayMs" | "runAt" | "dependsOn";

/** Server-side zod failures name their fields (see the API's error formatter). */
function fieldsOf(error: unknown): string[] {
  if (error instanceof TRPCClientError) {
    const fields = (error.data as { fields?: unknown } | undefined)?.fields;
    if (Array.isArray(fields)) return fields.filter((f): f is string => typeof f === "string");
  }
  return [];
}

export function CreateTaskForm({ knownTypes }: { knownTypes: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [type, setType] = useState("");
  const [title, setTitle] = useState("");
  const [priority, setPriority] = useState("0");
  const [maxAttempts, setMaxAttempts] = useState("3");
  const [params, setParams] = useState("{}");
  const [delay, setDelay] = useState("");
  const [runAtLocal, setRunAtLocal] = useState("");
  const [dependsOn, setDependsOn] = useState("");
  const [onDependencyFailure, setOnDependencyFailure] = useState<"cancel" | "fail">("cancel");
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const create = useMutation(
    trpc.tasks.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.tasks.pathFilter()),
      onError: (error) => {
        const fields = fieldsOf(error);
        const next: Partial<Record<Field, string>> = {};
        for (const f of fields) {
          const top = f.split(".")[0] as Field;
          next[top] = error.message;
        }
        setErrors(next);
      },
    }),
  );

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
    const attempts = Number(maxAttempts);
    if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100)
      found.maxAttempts = "max attempts must be an integer from 1 to 100";
    if (!type.trim()) found.type = "type is required";
    let delayMs: number | undefined;
    if (delay.trim()) {
      try {
        delayMs = parseDelay(delay, "delay");
      } catch (err) {
        found.delayMs = errorMessage(err);
      }
    }
    // datetime-local is the browser's local time; the API takes an ISO time with its offset.
    const runAt = runAtLocal ? new Date(runAtLocal) : null;
    if (runAt && Number.isNaN(runAt.getTime())) found.runAt = "run at must be a date and time";
    if (delayMs !== undefined && runAt) found.runAt = "give a delay or a time, not both";
    const dependencyIds = dependsOn
      .split(/[\s,]+/)
      .map((id) => id.trim())
      .filter(Boolean);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    create.mutate({
      type: type.trim(),
      priority: prio,
      params: parsedParams,
      maxAttempts: attempts,
      ...(title.trim() ? { title: title.trim() } : {}),
      ...(delayMs !== undefined ? { delayMs } : {}),
      ...(runAt ? { runAt: runAt.toISOString() } : {}),
      ...(dependencyIds.length ? { dependsOn: dependencyIds, onDependencyFailure } : {}),
    });
  };

  const invalid = (f: Field) =>
    errors[f] ? { "aria-invalid": true as const, "aria-describedby": `create-${f}-error` } : {};
  const fieldError = (f: Field) =>
    errors[f] ? (
      <span className="field-error" id={`create-${f}-error`} data-testid={`create-${f}-error`}>
        {errors[f]}
      </span>
    ) : null;
  const integerField = (props: {
    field: Field;
    label: string;
    value: string;
    set: (value: string) => void;
    min: number;
    max: number;
    testId: string;
  }) => (
    <label className="field">
      {props.label}
      <input
        type="number"
        value={props.value}
        onChange={(e) => props.set(e.target.value)}
        min={props.min}
        max={props.max}
        style={{ width: 80 }}
        {...invalid(props.field)}
        data-testid={props.testId}
      />
      {fieldError(props.field)}
    </label>
  );

  return (
    <form className="card stack" onSubmit={submit} aria-label="Create a task" data-testid="create-task-form" noValidate>
      <h2>New task</h2>
      <div className="row" style={{ alignItems: "flex-start" }}>
        <label className="field">
          Type
          <input
            list="create-task-types"
            value={type}
            onChange={(e) => setType(e.target.value)}
            placeholder="e.g. echo"
            {...invalid("type")}
            data-testid="create-type"
          />
          {fieldError("type")}
        </label>
        <datalist id="create-task-types">
          {knownTypes.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <label className="field" style={{ flex: 1, minWidth: 200 }}>
          Title (optional)
          <input
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            {...invalid("title")}
            data-testid="create-title"
          />
          {fieldError("title")}
        </label>
        {integerField({
          field: "priority",
          label: "Priority",
          value: priority,
          set: setPriority,
          min: -100,
          max: 100,
          testId: "create-priority",
        })}
        {integerField({
          field: "maxAttempts",
          label: "Max attempts",
          value: maxAttempts,
          set: setMaxAttempts,
          min: 1,
          max: 100,
          testId: "create-max-attempts",
        })}
      </div>
      <div className="row" style={{ alignItems: "flex-start" }}>
        <label className="field">
          Delay (optional)
          <input
            value={delay}
            onChange={(e) => setDelay(e.target.value)}
            placeholder="e.g. 30s, 5m, 2h"
            style={{ width: 120 }}
            {...invalid("delayMs")}
            data-testid="create-delay"
          />
          {fieldError("delayMs")}
        </label>
        <label className="field">
          Or run at (your local time)
          <input
            type="datetime-local"
            step={1}
            value={runAtLocal}
            onChange={(e) => setRunAtLocal(e.target.value)}
            {...invalid("runAt")}
            data-testid="create-run-at"
          />
          {fieldError("runAt")}
        </label>
      </div>
      <div className="row" style={{ alignItems: "flex-start" }}>
        <label className="field" style={{ flex: 1, minWidth: 240 }}>
          Runs after (task ids, optional)
          <input
            value={dependsOn}
            onChange={(e) => setDependsOn(e.target.value)}
            placeholder="t_…, t_… — each must succeed first"
            className="mono"
            {...invalid("dependsOn")}
            data-testid="create-depends-on"
          />
          {fieldError("dependsOn")}
        </label>
        <label className="field">
          If one ends dead or cancelled
          <select
            value={onDependencyFailure}
            onChange={(e) => setOnDependencyFailure(e.target.value as "cancel" | "fail")}
            data-testid="create-on-dependency-failure"
          >
            <option value="cancel">cancel this task</option>
            <option value="fail">mark this task dead</option>
          </select>
        </label>
      </div>
      <label className="field">
        Params (JSON)
        <textarea
          value={params}
          onChange={(e) => setParams(e.target.value)}
          spellCheck={false}
          {...invalid("params")}
          data-testid="create-params"
        />
        {fieldError("params")}
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={create.isPending} data-testid="create-submit">
          {create.isPending ? "Creating…" : "Create task"}
        </button>
        {create.isSuccess && (
          <span className="small" role="status" data-testid="create-success">
            Created <Link href={`/tasks/${encodeURIComponent(create.data.id)}`}>{create.data.id}</Link>
          </span>
        )}
        {create.isError && fieldsOf(create.error).length === 0 && (
          <div className="error-box" role="alert">
            {errorMessage(create.error)}
          </div>
        )}
      </div>
    </form>
  );
}
