import { z } from "zod";

/**
 * A worker's rollup, published with its heartbeat (so it costs no write of its own): what it
 * did, how busy it was, and — on GitHub — how much of its token's budget it spends. Every
 * field is bounded, so a record carrying one stays small whatever a writer puts in it.
 */
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const nullableCount = count.nullable();
/** Reasons a comment is refused (store/github/trust) or any other short label. */
const MAX_REASONS = 16;

export const refusedCountsSchema = z.object({
  total: count,
  byReason: z
    .record(z.string().min(1).max(40), count)
    .refine((byReason) => Object.keys(byReason).length <= MAX_REASONS, `at most ${MAX_REASONS} reasons`),
});

/** The token's budget as the worker's own client sees it (GitHub only). */
export const workerBudgetSchema = z.object({
  /** GitHub's primary limit, from the `x-ratelimit-*` headers of the last answer; `resetAt` in ms since the epoch. */
  primary: z.object({ limit: nullableCount, remaining: nullableCount, used: nullableCount, resetAt: nullableCount }),
  /** Requests this process made since it started. */
  requests: z.object({ reads: count, notModified: count, writes: count, failed: count }),
  /** Content-creating requests in the last minute and hour, as this process counts them (GitHub reports none). */
  secondary: z.object({ writesLastMinute: count, writesLastHour: count, hits: count }),
  /** The store slowed its non-essential writes because the budget ran low. */
  lowBudget: z.boolean(),
});

export const workerMetricsSchema = z.object({
  tasksSucceeded: count,
  tasksFailed: count,
  /** Time with at least one task running, since the worker started. */
  busyMs: count,
  uptimeMs: count,
  /** The heartbeat interval and lease in force (the store may stretch the configured ones to fit the budget). */
  heartbeatIntervalMs: count,
  leaseMs: count,
  /** Store clock minus the worker's clock when the report was made (positive: the worker's clock is behind). */
  clockOffsetMs: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  refused: refusedCountsSchema.nullable(),
  budget: workerBudgetSchema.nullable(),
});
export type WorkerMetrics = z.infer<typeof workerMetricsSchema>;
export type WorkerBudget = z.infer<typeof workerBudgetSchema>;

/** A worker's last published rollup, stamped by the store's clock when it was written. */
export interface WorkerMetricsRecord {
  workerId: string;
  reportedAt: number;
  metrics: WorkerMetrics;
}
