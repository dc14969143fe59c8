import type { CoordinationStore } from "@sentinel/coordination";
import { z } from "zod";
import type { BudgetRow } from "../cache/budget.js";

/**
 * The GitHub adapter may report its request budget; the port does not require it, so the
 * method is optional and its answer is checked before use.
 */
interface BudgetReportingStore {
  budget(): unknown;
}

function reportsBudget(store: CoordinationStore): store is CoordinationStore & BudgetReportingStore {
  return typeof (store as Partial<BudgetReportingStore>).budget === "function";
}

const budgetEntry = z.object({
  used: z.number(),
  remaining: z.number().nullable().optional(),
  limit: z.number().nullable().optional(),
  resetAt: z.number().nullable().optional(),
});
const budgetAnswer = z.union([
  z.array(budgetEntry.extend({ kind: z.string() })),
  z.record(z.string(), budgetEntry).transform((byKind) => Object.entries(byKind).map(([kind, entry]) => ({ kind, ...entry }))),
]);

/** The store's budget per request kind, or null when the store does not report one (or reports nonsense). */
export async function readStoreBudget(store: CoordinationStore): Promise<BudgetRow[] | null> {
  if (!reportsBudget(store)) return null;
  const parsed = budgetAnswer.safeParse(await store.budget());
  if (!parsed.success) return null;
  return parsed.data.map((e) => ({ kind: e.kind, used: e.used, remaining: e.remaining ?? null, limit: e.limit ?? null, resetAt: e.resetAt ?? null }));
}
