"use client";

import type { RouterOutputs } from "@sentinel/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { errorMessage } from "../error-message";

type Task = RouterOutputs["tasks"]["get"]["task"];

/**
 * Change a queued task's priority and/or params (tasks.edit). Only what changed is sent; a
 * worker that started the task first wins, and the refusal is shown.
 */
export function TaskEditForm({ task, onDone }: { task: Task; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [priority, setPriority] = useState(String(task.priority));
  const [params, setParams] = useState(JSON.stringify(task.params, null, 2));
  const [problem, setProblem] = useState<string | null>(null);
  const edit = useMutation(
    trpc.tasks.edit.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.tasks.pathFilter());
        onDone();
      },
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const prio = Number(priority);
    if (!Number.isInteger(prio) || prio < -100 || prio > 100)
      return setProblem("priority must be an integer from -100 to 100");
    let parsed: unknown;
    try {
      parsed = params.trim() ? JSON.parse(params) : {};
    } catch (err) {
      return setProblem(`params must be valid JSON: ${errorMessage(err)}`);
    }
    const paramsChanged = JSON.stringify(parsed) !== JSON.stringify(task.params);
    if (prio === task.priority && !paramsChanged) return setProblem("nothing changed");
    setProblem(null);
    edit.mutate({
      taskId: task.id,
      ...(prio !== task.priority ? { priority: prio } : {}),
      ...(paramsChanged ? { params: parsed } : {}),
    });
  };

  return (
    <form className="stack" onSubmit={submit} aria-label="Edit queued task" data-testid="task-edit-form" noValidate>
      <div className="row" style={{ alignItems: "flex-start" }}>
        <label className="field">
          Priority
          <input
            type="number"
            min={-100}
            max={100}
            value={priority}
            onChange={(e) => setPriority(e.target.value)}
            style={{ width: 80 }}
            data-testid="task-edit-priority"
          />
        </label>
        <label className="field" style={{ flex: 1, minWidth: 240 }}>
          Params (JSON)
          <textarea
            value={params}
            onChange={(e) => setParams(e.target.value)}
            spellCheck={false}
            data-testid="task-edit-params"
          />
        </label>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={edit.isPending} data-testid="task-edit-save">
          {edit.isPending ? "Saving…" : "Save"}
        </button>
        <button type="button" onClick={onDone} data-testid="task-edit-cancel">
          Cancel
        </button>
        {(problem || edit.isError) && (
          <div className="error-box" role="alert" data-testid="task-edit-error">
            {problem ?? errorMessage(edit.error)}
          </div>
        )}
      </div>
    </form>
  );
}
