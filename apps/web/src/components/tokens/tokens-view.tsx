"use client";

import type { Role } from "@sentinel/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { ActionButton, MutationError } from "../actions/action-button";
import { RequireRole } from "../auth/auth-provider";
import { formatDateTime } from "../format";
import { QueryState } from "../query-state";
import { type Column, DataTable } from "../table/data-table";

const COLUMNS: readonly Column[] = [
  "Name",
  "Role",
  "Source",
  "Created",
  "By",
  { label: "Actions", className: "actions" },
];
const ROLE_OPTIONS: readonly Role[] = ["viewer", "operator", "admin"];

/** A token's secret, shown once after create or rotate (the store keeps only its hash). */
function SecretOnce({ name, token }: { name: string; token: string }) {
  return (
    <div className="card" data-testid="token-secret" role="status">
      <strong>{name}</strong>: copy this token now, it is not shown again.
      <pre
        className="mono small"
        data-testid="token-secret-value"
        style={{ userSelect: "all", whiteSpace: "pre-wrap" }}
      >
        {token}
      </pre>
    </div>
  );
}

function TokensTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const onSuccess = () => queryClient.invalidateQueries(trpc.tokens.pathFilter());
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: (made) => {
        setSecret({ name: made.name, token: made.secret.token });
        setName("");
        return onSuccess();
      },
    }),
  );
  const rotate = useMutation(
    trpc.tokens.rotate.mutationOptions({
      onSuccess: (made) => {
        setSecret({ name: made.name, token: made.secret.token });
        return onSuccess();
      },
    }),
  );
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess }));
  if (!tokens.data) return <QueryState query={tokens} title="Tokens" />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSecret(null);
    create.mutate({ name: name.trim(), role });
  };

  return (
    <div className="stack">
      <form className="card row" onSubmit={submit} data-testid="token-create-form">
        <label className="field">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="token-name" maxLength={64} />
        </label>
        <label className="field">
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="token-role">
            {ROLE_OPTIONS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="primary"
          disabled={create.isPending || !name.trim()}
          data-testid="token-create"
        >
          Create token
        </button>
      </form>
      <MutationError mutations={[create, rotate, revoke]} />
      {secret && <SecretOnce {...secret} />}
      <DataTable testId="tokens-table" columns={COLUMNS}>
        {tokens.data.map((t) => (
          <tr key={t.name} data-testid="token-row" data-name={t.name}>
            <td className="mono">{t.name}</td>
            <td>{t.role}</td>
            <td className="small">{t.source === "env" ? "SENTINEL_OPERATOR_TOKEN" : "store"}</td>
            <td className="small">{t.createdAt === null ? "–" : formatDateTime(t.createdAt)}</td>
            <td className="mono small">{t.createdBy ?? "–"}</td>
            <td className="actions">
              {t.revocable ? (
                <>
                  <ActionButton
                    needs="admin"
                    label="Rotate"
                    testId={`token-rotate-${t.name}`}
                    mutation={rotate}
                    variables={{ name: t.name }}
                    confirm={`Rotate ${t.name}? Its current token and sessions stop working.`}
                  />
                  <ActionButton
                    needs="admin"
                    danger
                    label="Revoke"
                    testId={`token-revoke-${t.name}`}
                    mutation={revoke}
                    variables={{ name: t.name }}
                    confirm={`Revoke ${t.name}? It and its sessions stop working.`}
                  />
                </>
              ) : (
                <span className="muted small">configured at start</span>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

export function TokensView() {
  return (
    <div className="stack" style={{ maxWidth: 960 }}>
      <div className="page-head">
        <h1>Tokens</h1>
        <span className="muted small">
          viewer: read-only · operator: act on tasks, workers, locks and queues · admin: also tokens and settings
        </span>
      </div>
      <RequireRole needs="admin">
        <TokensTable />
      </RequireRole>
    </div>
  );
}
