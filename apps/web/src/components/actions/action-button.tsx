"use client";

import type { UseMutationResult } from "@tanstack/react-query";
import { useAuth } from "../auth/auth-provider";
import { errorMessage } from "../error-message";

export interface ActionButtonProps<TVariables> {
  label: string;
  pendingLabel?: string;
  testId: string;
  mutation: UseMutationResult<unknown, unknown, TVariables, unknown>;
  variables: TVariables;
  /** Asked with window.confirm before the action runs. */
  confirm?: string;
  danger?: boolean;
  primary?: boolean;
  disabled?: boolean;
  title?: string;
}

/**
 * A button that runs an operator mutation: without a session it opens the login dialog
 * first and runs the action after a successful login.
 */
export function ActionButton<TVariables>({
  label,
  pendingLabel,
  testId,
  mutation,
  variables,
  confirm,
  danger,
  primary,
  disabled,
  title,
}: ActionButtonProps<TVariables>) {
  const { requireOperator } = useAuth();
  const run = () => {
    if (confirm && !window.confirm(confirm)) return;
    mutation.mutate(variables);
  };
  return (
    <button
      type="button"
      className={danger ? "danger" : primary ? "primary" : undefined}
      disabled={disabled || mutation.isPending}
      onClick={() => requireOperator(run)}
      data-testid={testId}
      title={title}
    >
      {mutation.isPending ? (pendingLabel ?? `${label}…`) : label}
    </button>
  );
}

/** The message of the most recent failed mutation among these, shown next to the buttons. */
export function MutationError({
  mutations,
  testId,
}: {
  mutations: Array<{ error: unknown; isError: boolean }>;
  testId?: string;
}) {
  const failed = mutations.find((m) => m.isError);
  if (!failed) return null;
  return (
    <div className="error-box" role="alert" data-testid={testId ?? "mutation-error"} style={{ marginTop: 4 }}>
      {errorMessage(failed.error)}
    </div>
  );
}
