"use client";

import { useAuth } from "./auth-provider";

export function AuthStatus() {
  const { session, openLogin, logout } = useAuth();
  if (!session) return null;
  if (!session.authenticated) {
    return (
      <div className="stack" style={{ gap: 4 }}>
        <span data-testid="auth-status">read-only</span>
        <button type="button" onClick={openLogin} data-testid="login-open">
          Log in
        </button>
      </div>
    );
  }
  return (
    <div className="stack" style={{ gap: 4 }}>
      <span data-testid="auth-status" data-role={session.role ?? undefined}>
        {session.role}: {session.operator}
      </span>
      <button type="button" onClick={() => void logout()} data-testid="logout">
        Log out
      </button>
    </div>
  );
}
