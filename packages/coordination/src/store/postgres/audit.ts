import {
  type AuditFilter,
  type AuditRecord,
  type AuditSnapshot,
  auditFilterSchema,
  type NewAuditRecord,
  newAuditRecordSchema,
} from "../../domain/audit.js";
import { StoreIntegrityError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import type { PgTx } from "./transaction.js";

const INSERT_AUDIT = `INSERT INTO audit_records (at, actor, role, action, target, before, after, result, reason)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`;

export async function appendAuditTx(tx: PgTx, entry: NewAuditRecord): Promise<AuditRecord> {
  const valid = parseOrThrow(newAuditRecordSchema, entry, "audit");
  const at = await tx.now();
  const row = await tx.get<{ id: number }>(INSERT_AUDIT, [
    at,
    valid.actor,
    valid.role,
    valid.action,
    valid.target,
    valid.before === null ? null : JSON.stringify(valid.before),
    valid.after === null ? null : JSON.stringify(valid.after),
    valid.result,
    valid.reason,
  ]);
  if (!row) throw new StoreIntegrityError("an audit record insert returned no id");
  return { ...valid, id: row.id, at };
}

function parseSnapshot(text: string | null): AuditSnapshot {
  return text === null ? null : (JSON.parse(text) as AuditSnapshot);
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  role: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
  result: string;
  reason: string | null;
}

/** Newest first. */
export async function listAuditTx(tx: PgTx, filter: AuditFilter): Promise<AuditRecord[]> {
  const f = parseOrThrow(auditFilterSchema, filter, "filter");
  const params: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (f.actor !== undefined) where.push(`actor = ${param(f.actor)}`);
  if (f.target !== undefined) where.push(`target = ${param(f.target)}`);
  if (f.action !== undefined)
    where.push(
      // A prefix (`task.`) by starts_with, so no LIKE wildcard in the filter can widen it.
      f.action.endsWith(".") ? `starts_with(action, ${param(f.action)})` : `action = ${param(f.action)}`,
    );
  if (f.from !== undefined) where.push(`at >= ${param(f.from)}`);
  if (f.to !== undefined) where.push(`at <= ${param(f.to)}`);
  if (f.beforeId !== undefined) where.push(`id < ${param(f.beforeId)}`);
  const rows = await tx.all<AuditRow>(
    `SELECT id, at, actor, role, action, target, before, after, result, reason FROM audit_records
      ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ${param(f.limit)}`,
    params,
  );
  return rows.map((row) => ({
    ...row,
    role: row.role as AuditRecord["role"],
    result: row.result as AuditRecord["result"],
    before: parseSnapshot(row.before),
    after: parseSnapshot(row.after),
  }));
}
