import { type CoordinationStore, listAccessTokens } from "@sentinel/coordination";
import type { OperatorAuth } from "./operator-auth.js";

export interface TokenRefresh {
  /** Read the store's tokens now (after this control plane changed them, so its own change applies at once). */
  refresh(): Promise<void>;
  /** Stops the timer and waits for a read in flight, so nothing touches the sessions after the cache closes. */
  stop(): Promise<void>;
}

/**
 * Keeps the accepted tokens current with the store's (a token created or revoked by the CLI
 * or another control plane applies here within `intervalMs`). A failed read — the store
 * unreachable, or a token setting that cannot be parsed (listAccessTokens throws) — keeps the
 * last known tokens and goes to `onError`: a store blip or a damaged setting must not log
 * everyone out, and a revoked token never comes back from an older read because each read
 * replaces the whole set.
 */
export function startTokenRefresh(
  store: CoordinationStore,
  auth: OperatorAuth,
  intervalMs: number,
  onError: (error: unknown) => void,
): TokenRefresh {
  let running: Promise<void> | null = null;
  let stopped = false;
  const refresh = () => {
    running ??= listAccessTokens(store)
      .then((tokens) => {
        if (!stopped) auth.setStoredTokens(tokens);
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void refresh().catch(onError), intervalMs);
  timer.unref();
  void refresh().catch(onError);
  return {
    async refresh() {
      await running?.catch(() => undefined);
      if (!stopped) await refresh();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
