import { and, desc, eq, gte, lt, lte, type SQL } from "drizzle-orm";
import {
  type AuditFilter,
  type AuditRecord,
  type AuditSnapshot,
  auditFilterSchema,
  type NewAuditRecord,
  newAuditRecordSchema,
} from "../../domain/audit.js";
import { parseOrThrow } from "../../validation.js";
import { auditRecords } from "./schema.js";
import type { Tx } from "./transaction.js";

export function appendAuditTx(tx: Tx, entry: NewAuditRecord): AuditRecord {
  const valid = parseOrThrow(newAuditRecordSchema, entry, "audit");
  const row = tx.db
    .insert(auditRecords)
    .values({
      ...valid,
      at: tx.now,
      before: valid.before === null ? null : JSON.stringify(valid.before),
      after: valid.after === null ? null : JSON.stringify(valid.after),
    })
    .returning({ id: auditRecords.id })
    .get();
  return { ...valid, id: row.id, at: tx.now };
}

function parseSnapshot(text: string | null): AuditSnapshot {
  return text === null ? null : (JSON.parse(text) as AuditSnapshot);
}

/** Newest first. */
export function listAuditTx(tx: Tx, filter: AuditFilter): AuditRecord[] {
  const f = parseOrThrow(auditFilterSchema, filter, "filter");
  const where: SQL[] = [];
  if (f.actor !== undefined) where.push(eq(auditRecords.actor, f.actor));
  if (f.target !== undefined) where.push(eq(auditRecords.target, f.target));
  if (f.action !== undefined)
    where.push(
      // A prefix (`task.`) as a range, so no LIKE wildcard in the filter can widen it.
      f.action.endsWith(".")
        ? (and(gte(auditRecords.action, f.action), lt(auditRecords.action, `${f.action}\uffff`)) as SQL)
        : eq(auditRecords.action, f.action),
    );
  if (f.from !== undefined) where.push(gte(auditRecords.at, f.from));
  if (f.to !== undefined) where.push(lte(auditRecords.at, f.to));
  if (f.beforeId !== undefined) where.push(lt(auditRecords.id, f.beforeId));
  return tx.db
    .select()
    .from(auditRecords)
    .where(and(...where))
    .orderBy(desc(auditRecords.id))
    .limit(f.limit)
    .all()
    .map((row) => ({
      ...row,
      role: row.role as AuditRecord["role"],
      result: row.result as AuditRecord["result"],
      before: parseSnapshot(row.before),
      after: parseSnapshot(row.after),
    }));
}
