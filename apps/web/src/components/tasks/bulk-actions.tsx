"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { errorMessage } from "../error-message";
import { describeFilter, type TaskFilterForm, toFilterInput } from "./task-filter";

type BulkAction = "retry" | "cancel" | "promote";

const VERB: Record<BulkAction, { now: string; done: string; passive: string }> = {
  retry: { now: "Retry", done: "Retried", passive: "retried" },
  cancel: { now: "Cancel", done: "Cancelled", passive: "cancelled" },
  promote: { now: "Run now", done: "Promoted", passive: "promoted (none is waiting for its time)" },
};

interface Pending {
  action: BulkAction;
  matched: number;
  limit: number;
  form: TaskFilterForm;
}

/**
 * Bulk retry / cancel / promote by the current filter, in two steps: a dry run counts the eligible
 * tasks, the operator confirms that count, then the real run applies it.
 */
export function BulkActions({ form }: { form: TaskFilterForm }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Pending | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const bulk = useMutation(
    trpc.tasks.bulk.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.tasks.pathFilter()) }),
  );

  const prepare = (action: BulkAction) => {
    setOutcome(null);
    bulk.mutate(
      { action, filter: toFilterInput(form), dryRun: true },
      { onSuccess: (r) => setPending({ action, matched: r.matched, limit: r.limit, form }) },
    );
  };

  const confirm = () => {
    if (!pending) return;
    bulk.mutate(
      { action: pending.action, filter: toFilterInput(pending.form), dryRun: false, expectedCount: pending.matched },
      {
        onSuccess: (r) => {
          setPending(null);
          setOutcome(
            `${VERB[pending.action].done} ${r.applied} task(s)${r.failures.length ? `; ${r.failures.length} could not be changed (first: ${r.failures[0]?.error})` : ""}`,
          );
        },
      },
    );
  };

  return (
    <div className="stack" style={{ gap: 6, alignItems: "flex-end" }}>
      {!pending && (
        <div className="row">
          <button type="button" onClick={() => prepare("retry")} disabled={bulk.isPending} data-testid="bulk-retry">
            Retry matching…
          </button>
          <button
            type="button"
            onClick={() => prepare("promote")}
            disabled={bulk.isPending}
            data-testid="bulk-promote"
            title="Delayed tasks among the matching ones run now instead of at their time"
          >
            Run delayed now…
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => prepare("cancel")}
            disabled={bulk.isPending}
            data-testid="bulk-cancel"
          >
            Cancel matching…
          </button>
        </div>
      )}
      {pending && (
        <div className="alert row" role="alertdialog" aria-label="Confirm bulk action" data-testid="bulk-confirm">
          <span>
            {pending.matched === 0 ? (
              <>
                No tasks in {describeFilter(pending.form)} can be {VERB[pending.action].passive}.
              </>
            ) : (
              <>
                {VERB[pending.action].now} <strong data-testid="bulk-count">{pending.matched.toLocaleString()}</strong>{" "}
                task(s) in {describeFilter(pending.form)}
                {pending.matched > pending.limit ? ` (the first ${pending.limit.toLocaleString()} now)` : ""}?
              </>
            )}
          </span>
          {pending.matched > 0 && (
            <button
              type="button"
              className="primary"
              onClick={confirm}
              disabled={bulk.isPending}
              data-testid="bulk-confirm-yes"
            >
              {bulk.isPending
                ? "Working…"
                : `Yes, ${VERB[pending.action].now.toLowerCase()} ${pending.matched.toLocaleString()}`}
            </button>
          )}
          <button type="button" onClick={() => setPending(null)} data-testid="bulk-confirm-no">
            {pending.matched > 0 ? "No" : "OK"}
          </button>
        </div>
      )}
      {outcome && (
        <div className="info-box" role="status" data-testid="bulk-outcome">
          {outcome}
        </div>
      )}
      {bulk.isError && (
        <div className="error-box" role="alert">
          {errorMessage(bulk.error)}
        </div>
      )}
    </div>
  );
}
