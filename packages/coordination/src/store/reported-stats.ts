import {
  refusedCountsSchema,
  type WorkerBudget,
  type WorkerMetrics,
  workerBudgetSchema,
} from "../domain/worker-metrics.js";
import type { CoordinationStore } from "./port.js";

/**
 * What a store may report beyond the port: its request budget and the comments it refused
 * (the GitHub store: `budget()`, `trustStats()`; docs/github-backend.md). Neither is part of
 * the port, so each answer is checked before use and a store without them reports null.
 */
interface ReportingStore {
  budget(): {
    primary: { limit: number | null; remaining: number | null; used: number | null; reset: number | null };
    byKind: { reads: number; notModified: number; writes: number; failed: number };
    secondary: { writesLastMinute: number; writesLastHour: number; hits: number };
    effective: { lowBudget: boolean };
  };
  trustStats(): { refused: number; rejected: Record<string, number> };
}

function reporting(store: CoordinationStore): (CoordinationStore & ReportingStore) | null {
  const candidate = store as Partial<ReportingStore>;
  return typeof candidate.budget === "function" && typeof candidate.trustStats === "function"
    ? (store as CoordinationStore & ReportingStore)
    : null;
}

/** The store's token budget as its own client counts it, or null (not GitHub, or nonsense). */
export function reportedBudget(store: CoordinationStore): WorkerBudget | null {
  const source = reporting(store);
  if (!source) return null;
  const { primary, byKind, secondary, effective } = source.budget();
  const parsed = workerBudgetSchema.safeParse({
    primary: { limit: primary.limit, remaining: primary.remaining, used: primary.used, resetAt: primary.reset },
    requests: byKind,
    secondary: {
      writesLastMinute: secondary.writesLastMinute,
      writesLastHour: secondary.writesLastHour,
      hits: secondary.hits,
    },
    lowBudget: effective.lowBudget,
  });
  return parsed.success ? parsed.data : null;
}

/** Comments the store refused as coordination data, by reason (reasons with none left out), or null. */
export function reportedRefusals(store: CoordinationStore): WorkerMetrics["refused"] {
  const source = reporting(store);
  if (!source) return null;
  const { refused, rejected } = source.trustStats();
  const parsed = refusedCountsSchema.safeParse({
    total: refused,
    byReason: Object.fromEntries(Object.entries(rejected).filter(([, count]) => count > 0)),
  });
  return parsed.success ? parsed.data : null;
}
