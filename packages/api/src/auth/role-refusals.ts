/**
 * Mutations refused because the caller's role is too low, counted — and thinned out before
 * they reach the durable audit. A viewer's script that keeps calling a mutation would
 * otherwise write one audit record per call; on GitHub each record is a comment POST charged
 * to the write budget the workers need. So per actor and procedure at most one record is
 * written per window; the refusals in between are counted, and the next record says how many
 * there were. Every refusal still counts in `sentinel_role_refusals_total` (per process).
 */
export interface RoleRefusals {
  /**
   * One refusal happened. `record` says whether to write an audit record now; `merged` is how
   * many refusals of the same actor and procedure went unrecorded since the last record.
   */
  note(actor: string, procedure: string): { record: boolean; merged: number };
  /** Refusals since start, each counted, by procedure. */
  totals(): ReadonlyMap<string, number>;
}

export interface RoleRefusalsOptions {
  /** At most one audit record per actor and procedure in this long (default 60 s). */
  windowMs?: number;
  now?: () => number;
}

export const ROLE_REFUSAL_WINDOW_MS = 60_000;
/** Keys kept before the stale ones are dropped: bounds memory whatever names callers use. */
const MAX_KEYS = 10_000;

export function createRoleRefusals(options: RoleRefusalsOptions = {}): RoleRefusals {
  const windowMs = options.windowMs ?? ROLE_REFUSAL_WINDOW_MS;
  const now = options.now ?? Date.now;
  const lastRecord = new Map<string, { at: number; unrecorded: number }>();
  const totals = new Map<string, number>();
  return {
    note(actor, procedure) {
      totals.set(procedure, (totals.get(procedure) ?? 0) + 1);
      const key = JSON.stringify([actor, procedure]);
      const at = now();
      const last = lastRecord.get(key);
      if (last && at - last.at < windowMs) {
        last.unrecorded += 1;
        return { record: false, merged: 0 };
      }
      if (lastRecord.size >= MAX_KEYS) {
        for (const [k, v] of lastRecord) if (at - v.at >= windowMs) lastRecord.delete(k);
      }
      lastRecord.set(key, { at, unrecorded: 0 });
      return { record: true, merged: last?.unrecorded ?? 0 };
    },
    totals: () => new Map(totals),
  };
}
