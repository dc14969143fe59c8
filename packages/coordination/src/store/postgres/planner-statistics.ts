import type { Pool } from "pg";

/** How often one store asks whether `tasks` needs fresh statistics (one small read), ± half, so a fleet spreads out. */
const CHECK_INTERVAL_MS = 2_000;
/** After an ANALYZE that did not reset the counter (skipped: another role owns the table), checks slow down to this. */
const MAX_CHECK_INTERVAL_MS = 300_000;
/** Rows written since the last ANALYZE before it runs again: at least this many… */
const MIN_CHANGED_ROWS = 500;
/** …and at least this share of the table (autovacuum's default is 10 % plus 50 rows, checked once a minute). */
const MIN_CHANGED_SHARE = 0.1;

const NEEDS_ANALYZE = `SELECT s.n_mod_since_analyze AS changed, c.reltuples AS rows, s.last_analyze IS NULL AND s.last_autoanalyze IS NULL AS never
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE s.relid = 'tasks'::regclass`;

/**
 * Keeps the planner's statistics of `tasks` current after a burst of writes, so the claim poll
 * walks its partial index in order (≈ 0.4 ms) instead of reading and sorting the whole
 * backlog (≈ 13 ms at 3,000 queued tasks, growing with the backlog; measured on this machine).
 *
 * A work queue's table changes shape in seconds — a backlog enqueued at once, then drained —
 * while autovacuum looks once a minute and re-analyzes only after 10 % of the table changed,
 * so for that minute or more the planner judges `state IN ('queued', 'failed')` by an empty
 * or finished-only table and chooses the sort. At most every CHECK_INTERVAL_MS, a poll reads
 * the table's change counter from the statistics views (no table is touched) and, past the
 * thresholds, runs `ANALYZE (SKIP_LOCKED)` in the background: a sample of at most 30,000 rows,
 * skipped if another session is analyzing already. Nothing waits for it, and a failure only
 * leaves the statistics as autovacuum keeps them.
 */
export class PlannerStatistics {
  private nextCheckAt = 0;
  private intervalMs = CHECK_INTERVAL_MS;
  /** The change counter our last ANALYZE saw; it should have gone back to about 0 since. */
  private analyzedAt: number | null = null;
  private running = false;

  constructor(private readonly pool: Pool) {}

  /** Called by each claim poll; returns at once. */
  refreshIfStale(): void {
    const now = Date.now();
    if (this.running || now < this.nextCheckAt) return;
    this.nextCheckAt = now + this.intervalMs * (0.5 + Math.random());
    this.running = true;
    void this.analyzeIfStale()
      .catch(() => undefined)
      .finally(() => {
        this.running = false;
      });
  }

  private async analyzeIfStale(): Promise<void> {
    const { rows } = await this.pool.query<{ changed: string; rows: number; never: boolean }>(NEEDS_ANALYZE);
    const row = rows[0];
    if (!row) return;
    const changed = Number(row.changed);
    const stale = changed >= MIN_CHANGED_ROWS && (row.never || changed >= MIN_CHANGED_SHARE * Math.max(0, row.rows));
    // An ANALYZE that did not reset the counter (the role may not own the table; Postgres then
    // only warns) is not repeated every few seconds by every process: the checks slow down.
    if (this.analyzedAt !== null)
      this.intervalMs =
        changed >= this.analyzedAt ? Math.min(MAX_CHECK_INTERVAL_MS, this.intervalMs * 2) : CHECK_INTERVAL_MS;
    this.analyzedAt = null;
    if (!stale) return;
    await this.pool.query("ANALYZE (SKIP_LOCKED) tasks");
    this.analyzedAt = changed;
  }
}
