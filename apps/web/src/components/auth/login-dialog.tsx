"use client";

import { type FormEvent, useState } from "react";
import { errorMessage } from "../error-message";

export interface LoginDialogProps {
  onLoggedIn: () => void | Promise<void>;
  onCancel?: () => void;
  /** The dashboard is not readable without a session: no cancel button. */
  required?: boolean;
}

export function LoginDialog({ onLoggedIn, onCancel, required = false }: LoginDialogProps) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token }),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: string } | null;
        setError(body?.error ?? `login failed: HTTP ${res.status}`);
        return;
      }
      setToken("");
      await onLoggedIn();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="login-title"
        onSubmit={submit}
        data-testid="login-dialog"
      >
        <h2 id="login-title">Operator login</h2>
        <p className="muted small" style={{ margin: 0 }}>
          {required
            ? "This dashboard requires an operator session."
            : "Actions change the cluster and need an operator session."}{" "}
          The token is printed by <code>pnpm start</code> (or set with <code>SENTINEL_OPERATOR_TOKEN</code>).
        </p>
        <label className="field">
          Operator token
          <input
            type="password"
            // biome-ignore lint/a11y/noAutofocus: the dialog opens on an operator's click; its only field takes the focus
            autoFocus
            autoComplete="current-password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "login-error" : undefined}
            data-testid="login-token"
          />
        </label>
        {error && (
          <div className="error-box" id="login-error" role="alert">
            {error}
          </div>
        )}
        <div className="row" style={{ justifyContent: "flex-end" }}>
          {onCancel && (
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          )}
          <button type="submit" className="primary" disabled={busy || token.length === 0} data-testid="login-submit">
            {busy ? "Logging in…" : "Log in"}
          </button>
        </div>
      </form>
    </div>
  );
}
