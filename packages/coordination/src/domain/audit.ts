import { z } from "zod";
import { roleSchema } from "./roles.js";

/**
 * The durable audit trail: one record per operator action (dashboard, API or CLI), kept in
 * the coordination store itself so every control plane shows the same history and a cache
 * rebuild loses none of it.
 */
export const AUDIT_RESULTS = ["ok", "refused"] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

/** A before/after snapshot keeps at most this many fields, each string cut to AUDIT_STRING_CHARS. */
export const AUDIT_SNAPSHOT_FIELDS = 24;
export const AUDIT_STRING_CHARS = 200;
/** The bytes of one snapshot as JSON, whatever its shape (checked after the projection). */
export const AUDIT_SNAPSHOT_BYTES = 4096;
const REASON_CHARS = 1000;
/** Fields never kept, whatever a result carries: a token's secret must not reach the audit. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(["token", "secret", "hash", "password"]);

const name = z.string().min(1).max(200);
export type AuditSnapshot = Record<string, string | number | boolean | null> | null;
/** What auditSnapshot produces, checked again at the store (another writer may not have bounded it). */
const snapshotSchema = z
  .record(z.string().max(64), z.union([z.string().max(AUDIT_STRING_CHARS + 10), z.number(), z.boolean(), z.null()]))
  .refine((snapshot) => Object.keys(snapshot).length <= AUDIT_SNAPSHOT_FIELDS + 1, {
    message: `at most ${AUDIT_SNAPSHOT_FIELDS} fields (see auditSnapshot)`,
  })
  .nullable();

export const newAuditRecordSchema = z.object({
  actor: name,
  /** The caller's role; "cli" for the command line, which acts with the store's own credentials. */
  role: z.union([roleSchema, z.literal("cli")]),
  action: z
    .string()
    .max(100)
    .regex(/^[a-z][A-Za-z_]*(\.[A-Za-z_]+)+$/, "an action like task.cancel"),
  target: z.string().max(200),
  before: snapshotSchema,
  after: snapshotSchema,
  result: z.enum(AUDIT_RESULTS),
  /** Why it was refused (null when ok). */
  reason: z.string().max(REASON_CHARS).nullable(),
});
export type NewAuditRecord = z.infer<typeof newAuditRecordSchema>;

export interface AuditRecord extends NewAuditRecord {
  /** Ascending in the store's order (SQLite row id, GitHub comment id). */
  id: number;
  /** Store clock, ms. */
  at: number;
}

export const auditFilterSchema = z.object({
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  target: z.string().max(200).optional(),
  /** Store-clock ms, inclusive. */
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
  /** Records with an id below this (paging backwards). */
  beforeId: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(500),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** Whether a record matches a filter: exact actor and target, action exact or by prefix (`task.`), time inclusive. */
export function auditMatches(record: AuditRecord, filter: AuditFilter): boolean {
  if (filter.actor !== undefined && record.actor !== filter.actor) return false;
  if (filter.target !== undefined && record.target !== filter.target) return false;
  if (filter.action !== undefined) {
    const prefix = filter.action.endsWith(".");
    if (prefix ? !record.action.startsWith(filter.action) : record.action !== filter.action) return false;
  }
  if (filter.from !== undefined && record.at < filter.from) return false;
  if (filter.to !== undefined && record.at > filter.to) return false;
  if (filter.beforeId !== undefined && record.id >= filter.beforeId) return false;
  return true;
}

function boundedScalar(value: unknown): string | number | boolean | null | undefined {
  if (value === null || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "string")
    return value.length > AUDIT_STRING_CHARS ? `${value.slice(0, AUDIT_STRING_CHARS)}… (cut)` : value;
  return undefined;
}

/**
 * What the audit keeps of a value before or after an action: its top-level scalar fields,
 * bounded in count and length (params, results and other nested data are left out — the
 * task itself holds them). Never walks deeper than one level, so any input is cheap.
 */
export function auditSnapshot(value: unknown): AuditSnapshot {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object" || Array.isArray(value)) {
    const scalar = boundedScalar(value);
    return { value: scalar === undefined ? (Array.isArray(value) ? `array(${value.length})` : null) : scalar };
  }
  const snapshot: Record<string, string | number | boolean | null> = {};
  let kept = 0;
  let bytes = 2;
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    if (kept >= AUDIT_SNAPSHOT_FIELDS) {
      snapshot["…"] = "more fields left out";
      break;
    }
    const scalar = boundedScalar(field);
    if (scalar === undefined || key.length > 64 || SECRET_FIELDS.has(key)) continue;
    bytes += Buffer.byteLength(JSON.stringify(key)) + Buffer.byteLength(JSON.stringify(scalar)) + 2;
    if (bytes > AUDIT_SNAPSHOT_BYTES) {
      snapshot["…"] = "more fields left out";
      break;
    }
    snapshot[key] = scalar;
    kept += 1;
  }
  return snapshot;
}
