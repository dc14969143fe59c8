import { coerceError } from "@sentinel/coordination";

/**
 * Where a background loop of the control plane (token refresh, schedule ticks) reports a
 * failure: the caller's `onError` when it gave one (tests), else a JSON line on stderr — a
 * loop that fails quietly leaves an operator with no trace of why tokens or schedules stopped
 * moving. Names and messages only, never a token.
 */
export function backgroundErrorReporter(
  action: string,
  onError: ((error: Error) => void) | undefined,
): (thrown: unknown) => void {
  return (thrown) => {
    const error = coerceError(thrown);
    if (onError) {
      onError(error);
      return;
    }
    console.error(JSON.stringify({ level: "error", component: "control-plane", action, error: error.message }));
  };
}
