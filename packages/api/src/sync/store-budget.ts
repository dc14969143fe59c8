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
const count = z.number().int().min(0);
/** The GitHub store's `BudgetSnapshot` (docs/github-backend.md, *Budget*): the primary limit from GitHub's headers, writes counted by the store. */
const githubSnapshot = z
  .object({
    primary: z.object({
      limit: z.number().nullable(),
      remaining: z.number().nullable(),
      used: z.number().nullable(),
      reset: z.number().nullable(),
    }),
    byKind: z.object({ reads: count, notModified: count, writes: count }),
    secondary: z.object({ writesLastMinute: count, writesLastHour: count }),
    readLag: z
      .object({ assumedMaxMs: count, settleDelayMs: count, maxMs: count.nullable(), samples: count })
      .optional(),
  })
  .transform(({ primary, byKind, secondary, readLag }) => [
    {
      kind: "primary limit (login)",
      used: primary.used ?? byKind.reads + byKind.writes,
      remaining: primary.remaining,
      limit: primary.limit,
      resetAt: primary.reset,
    },
    { kind: "reads (control plane)", used: byKind.reads },
    { kind: "304s, free (control plane)", used: byKind.notModified },
    { kind: "writes (control plane)", used: byKind.writes },
    // GitHub does not report its secondary limits; these are its documented ceilings for content-creating requests.
    {
      kind: "writes/min (control plane)",
      used: secondary.writesLastMinute,
      remaining: Math.max(0, 80 - secondary.writesLastMinute),
      limit: 80,
    },
    {
      kind: "writes/hour (control plane)",
      used: secondary.writesLastHour,
      remaining: Math.max(0, 500 - secondary.writesLastHour),
      limit: 500,
    },
    // Read lag measured from the control plane's own writes, against the lag the store tolerates (docs/github-backend.md, *Read lag*).
    ...(readLag
      ? [
          {
            kind: "read lag ms, largest seen (limit: tolerated)",
            used: readLag.maxMs ?? 0,
            limit: readLag.assumedMaxMs,
          },
          { kind: "settle delay ms (control plane)", used: readLag.settleDelayMs },
        ]
      : []),
  ]);
const budgetAnswer = z.union([
  githubSnapshot,
  z.array(budgetEntry.extend({ kind: z.string() })),
  z
    .record(z.string(), budgetEntry)
    .transform((byKind) => Object.entries(byKind).map(([kind, entry]) => ({ kind, ...entry }))),
]);

/** The store's budget per request kind, or null when the store does not report one (or reports nonsense). */
export async function readStoreBudget(store: CoordinationStore): Promise<BudgetRow[] | null> {
  if (!reportsBudget(store)) return null;
  const parsed = budgetAnswer.safeParse(await store.budget());
  if (!parsed.success) return null;
  return parsed.data.map((e) => ({
    kind: e.kind,
    used: e.used,
    remaining: e.remaining ?? null,
    limit: e.limit ?? null,
    resetAt: e.resetAt ?? null,
  }));
}
