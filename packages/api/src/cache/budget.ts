import { asc } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { apiBudget } from "./schema.js";

export interface BudgetRow {
  kind: string;
  used: number;
  remaining: number | null;
  limit: number | null;
  resetAt: number | null;
}

/** Returns whether any row changed. */
export function writeBudget(db: CacheDb, rows: BudgetRow[], at: number): boolean {
  const before = JSON.stringify(readBudget(db));
  for (const row of rows) {
    const { kind: _kind, ...set } = row;
    db.insert(apiBudget)
      .values({ ...row, updatedAt: at })
      .onConflictDoUpdate({ target: apiBudget.kind, set: { ...set, updatedAt: at } })
      .run();
  }
  return JSON.stringify(readBudget(db)) !== before;
}

export function readBudget(db: CacheDb): BudgetRow[] {
  return db
    .select({
      kind: apiBudget.kind,
      used: apiBudget.used,
      remaining: apiBudget.remaining,
      limit: apiBudget.limit,
      resetAt: apiBudget.resetAt,
    })
    .from(apiBudget)
    .orderBy(asc(apiBudget.kind))
    .all();
}
