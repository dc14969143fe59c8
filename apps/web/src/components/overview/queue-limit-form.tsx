"use client";

import type { RouterOutputs } from "@sentinel/api";
import { formatStartsLimit, parseStartsLimit } from "@sentinel/coordination/type-limit";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { errorMessage } from "../error-message";

type TypeLimit = NonNullable<RouterOutputs["queues"]["list"]["types"][number]["limit"]>;

/**
 * Set or clear a task type's limits across the cluster (queues.setLimit, audited): at most N
 * running at once and at most M starts per interval. An empty field clears that limit.
 */
export function QueueLimitForm({ type, limit, onDone }: { type: string; limit: TypeLimit | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [maxRunning, setMaxRunning] = useState(limit?.maxRunning != null ? String(limit.maxRunning) : "");
  const [starts, setStarts] = useState(formatStartsLimit(limit));
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation(
    trpc.queues.setLimit.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.queues.pathFilter());
        onDone();
      },
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const running = maxRunning.trim();
    const n = Number(running);
    if (running !== "" && (!Number.isInteger(n) || n < 1 || n > 100_000))
      return setProblem("max running: a whole number from 1 to 100,000, or empty for no limit");
    let rate: ReturnType<typeof parseStartsLimit> | null = null;
    try {
      rate = starts.trim() === "" ? null : parseStartsLimit(starts, "starts");
    } catch (err) {
      return setProblem(errorMessage(err));
    }
    setProblem(null);
    save.mutate({ type, maxRunning: running === "" ? null : n, starts: rate });
  };

  return (
    <form
      className="stack"
      onSubmit={submit}
      aria-label={`Limits of ${type}`}
      data-testid={`queue-limit-form-${type}`}
      noValidate
    >
      <div className="row" style={{ alignItems: "flex-start" }}>
        <label className="field">
          Max running
          <input
            inputMode="numeric"
            value={maxRunning}
            placeholder="no limit"
            onChange={(e) => setMaxRunning(e.target.value)}
            style={{ width: 90 }}
            data-testid={`queue-limit-running-${type}`}
          />
        </label>
        <label className="field">
          Starts per interval
          <input
            value={starts}
            placeholder="e.g. 30/1m"
            onChange={(e) => setStarts(e.target.value)}
            style={{ width: 110 }}
            data-testid={`queue-limit-starts-${type}`}
          />
        </label>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending} data-testid={`queue-limit-save-${type}`}>
          {save.isPending ? "Saving…" : "Save"}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      {(problem || save.isError) && (
        <div className="error-box" role="alert" data-testid={`queue-limit-error-${type}`}>
          {problem ?? errorMessage(save.error)}
        </div>
      )}
    </form>
  );
}
