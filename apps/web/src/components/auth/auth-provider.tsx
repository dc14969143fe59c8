"use client";

import type { Role } from "@sentinel/api";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { LoginDialog } from "./login-dialog";

export interface SessionInfo {
  authenticated: boolean;
  operator: string | null;
  /** The token's role; null without a session. */
  role: Role | null;
  /** Whether the server lets visitors without a session read the dashboard. */
  readOnlyAllowed: boolean;
}

interface AuthContextValue {
  session: SessionInfo | undefined;
  /** Whether the caller's role allows what needs `role` (the server checks again: this only decides what is shown). */
  can: (role: Role) => boolean;
  openLogin: () => void;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.session.me.queryOptions(), staleTime: Infinity });
  const session: SessionInfo | undefined = me.data && {
    authenticated: me.data.operator !== null,
    operator: me.data.operator,
    role: me.data.role,
    readOnlyAllowed: me.data.readOnlyView,
  };
  const [dialogOpen, setDialogOpen] = useState(false);
  const role = session?.role ?? null;
  const can = useCallback((needed: Role) => role !== null && RANK[role] >= RANK[needed], [role]);

  const onLoggedIn = useCallback(async () => {
    setDialogOpen(false);
    await queryClient.invalidateQueries();
  }, [queryClient]);

  const logout = useCallback(async () => {
    await fetch("/api/auth/logout", { method: "POST" });
    await queryClient.invalidateQueries();
  }, [queryClient]);

  const value = useMemo<AuthContextValue>(
    () => ({ session, can, openLogin: () => setDialogOpen(true), logout }),
    [session, can, logout],
  );

  const gated = session !== undefined && !session.authenticated && !session.readOnlyAllowed;
  return (
    <AuthContext.Provider value={value}>
      {gated ? <LoginDialog onLoggedIn={onLoggedIn} required /> : children}
      {dialogOpen && !gated && <LoginDialog onLoggedIn={onLoggedIn} onCancel={() => setDialogOpen(false)} />}
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

/** Renders its children only for a caller whose role allows `needs`: actions a role cannot use are absent, not broken. */
export function RequireRole({ needs, children }: { needs: Role; children: ReactNode }) {
  const { can } = useAuth();
  return can(needs) ? children : null;
}
