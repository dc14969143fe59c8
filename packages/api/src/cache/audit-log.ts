import { displayableJson, RECORD_LIMIT } from "@sentinel/coordination";
import { desc, lt } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { auditLog } from "./schema.js";

export interface AuditEntry {
  id: number;
  at: number;
  operator: string;
  action: string;
  target: string;
  params: unknown;
  result: "ok" | "error";
  error: string | null;
}

export function recordAudit(db: CacheDb, entry: Omit<AuditEntry, "id">): number {
  return db
    .insert(auditLog)
    .values({ ...entry, params: JSON.stringify(displayableJson(entry.params ?? null, RECORD_LIMIT)) })
    .returning({ id: auditLog.id })
    .get().id;
}

/** Newest first; `beforeId` pages backwards. */
export function listAudit(db: CacheDb, opts: { limit: number; beforeId?: number | null }): AuditEntry[] {
  const query = db.select().from(auditLog);
  const filtered = opts.beforeId != null ? query.where(lt(auditLog.id, opts.beforeId)) : query;
  return filtered
    .orderBy(desc(auditLog.id))
    .limit(opts.limit)
    .all()
    .map((row) => ({
      ...row,
      params: JSON.parse(row.params) as unknown,
      result: row.result === "ok" ? "ok" : "error",
    }));
}
