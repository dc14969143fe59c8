"use client";

import type { Role } from "@sentinel/api";
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
  /** The role the action needs (default operator): without it the button is not rendered at all. */
  needs?: Role;
}

/**
 * A button that runs an operator mutation, shown only to a caller whose role may use it: a
 * viewer or a visitor without a session sees no button (the server refuses them anyway).
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
  needs = "operator",
}: ActionButtonProps<TVariables>) {
  const { can } = useAuth();
  if (!can(needs)) return null;
  const run = () => {
    if (confirm && !window.confirm(confirm)) return;
    mutation.mutate(variables);
  };
  return (
    <button
      type="button"
      className={danger ? "danger" : primary ? "primary" : undefined}
      disabled={disabled || mutation.isPending}
      onClick={run}
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
