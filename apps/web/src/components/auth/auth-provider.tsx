"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { LoginDialog } from "./login-dialog";

export interface SessionInfo {
  authenticated: boolean;
  operator: string | null;
  /** Whether the server lets visitors without a session read the dashboard. */
  readOnlyAllowed: boolean;
}

interface AuthContextValue {
  session: SessionInfo | undefined;
  /** Runs `action` now if an operator is logged in, otherwise after a successful login. */
  requireOperator: (action: () => void) => void;
  openLogin: () => void;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.session.me.queryOptions(), staleTime: Infinity });
  const session: SessionInfo | undefined = me.data && {
    authenticated: me.data.operator !== null,
    operator: me.data.operator,
    readOnlyAllowed: me.data.readOnlyView,
  };
  const [dialogOpen, setDialogOpen] = useState(false);
  const pending = useRef<(() => void) | null>(null);

  const requireOperator = useCallback(
    (action: () => void) => {
      if (session?.authenticated) {
        action();
        return;
      }
      pending.current = action;
      setDialogOpen(true);
    },
    [session?.authenticated],
  );

  const onLoggedIn = useCallback(async () => {
    setDialogOpen(false);
    await queryClient.invalidateQueries();
    const action = pending.current;
    pending.current = null;
    action?.();
  }, [queryClient]);

  const logout = useCallback(async () => {
    await fetch("/api/auth/logout", { method: "POST" });
    await queryClient.invalidateQueries();
  }, [queryClient]);

  const value = useMemo<AuthContextValue>(
    () => ({ session, requireOperator, openLogin: () => setDialogOpen(true), logout }),
    [session, requireOperator, logout],
  );

  const gated = session !== undefined && !session.authenticated && !session.readOnlyAllowed;
  return (
    <AuthContext.Provider value={value}>
      {gated ? <LoginDialog onLoggedIn={onLoggedIn} required /> : children}
      {dialogOpen && !gated && (
        <LoginDialog
          onLoggedIn={onLoggedIn}
          onCancel={() => {
            pending.current = null;
            setDialogOpen(false);
          }}
        />
      )}
    </AuthContext.Provider>
  );
}

/** A component asked for the session outside <AuthProvider> (a layout bug, not a user's doing). */
class MissingAuthProviderError extends Error {
  constructor() {
    super("useAuth must be used inside <AuthProvider>");
    this.name = "MissingAuthProviderError";
  }
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new MissingAuthProviderError();
  return value;
}
