import { type CoordinationStore, listAccessTokens } from "@sentinel/coordination";
import type { OperatorAuth } from "./operator-auth.js";

export interface TokenRefresh {
  /** Read the store's tokens now (after this control plane changed them, so its own change applies at once). */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Keeps the accepted tokens current with the store's (a token created or revoked by the CLI
 * or another control plane applies here within `intervalMs`). A failed read keeps the last
 * known tokens: a store blip must not log everyone out, and a revoked token never comes back
 * from an older read because each read replaces the whole set.
 */
export function startTokenRefresh(
  store: CoordinationStore,
  auth: OperatorAuth,
  intervalMs: number,
  onError: (error: unknown) => void,
): TokenRefresh {
  let running: Promise<void> | null = null;
  const refresh = () => {
    running ??= listAccessTokens(store)
      .then((tokens) => auth.setStoredTokens(tokens))
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
      await refresh();
    },
    stop: () => clearInterval(timer),
  };
}
