import {
  type AuditFilter,
  type AuditRecord,
  auditFilterSchema,
  auditMatches,
  type NewAuditRecord,
  newAuditRecordSchema,
} from "../../domain/audit.js";
import { parseOrThrow } from "../../validation.js";
import type { GithubContext } from "./github-context.js";
import type { AuditRecordPayload } from "./records/record-schemas.js";
import type { StoredRecord } from "./repo-mirror.js";

export const AUDIT_TITLE = "sentinel: audit";
/**
 * The audit issues read: the current one and the one it continues (≈ 2 × rotateAtComments
 * records). Older ones stay on GitHub, readable by people, but are not served, so a read
 * costs at most this many comment lists however long the cluster has run.
 */
export const AUDIT_ISSUES_READ = 2;

/**
 * The durable audit on GitHub: one signed record per action on the audit issue (rotated like
 * the settings issue). Only records that pass the trust filter (allowed author and valid
 * HMAC signature) are served, so a stranger's or a hand-edited comment never shows up as an
 * action someone took.
 */
export class AuditStore {
  constructor(private readonly ctx: GithubContext) {}

  async append(entry: NewAuditRecord): Promise<AuditRecord> {
    const valid = parseOrThrow(newAuditRecordSchema, entry, "audit");
    const issue = await this.ctx.ensureIssue("audit", AUDIT_TITLE);
    const at = this.ctx.now();
    const verdict = valid.result === "ok" ? "" : ` (refused: ${valid.reason ?? "no reason"})`;
    const stored = await this.ctx.post(
      issue,
      { k: "audit", n: this.ctx.nonce(), at, ev: [], entry: valid },
      `sentinel: \`${valid.action}\` on \`${valid.target.slice(0, 100)}\` by ${valid.actor}${verdict.slice(0, 200)}`,
    );
    await this.ctx.rotateIfFull("audit", AUDIT_TITLE, issue);
    return { ...valid, id: stored.id, at: Date.parse(stored.createdAt) };
  }

  async list(filter: AuditFilter): Promise<AuditRecord[]> {
    const f = parseOrThrow(auditFilterSchema, filter, "filter");
    await this.ctx.mirror.refreshIfStale();
    const records: AuditRecord[] = [];
    for (const entry of this.ctx.issuesOf("audit").slice(-AUDIT_ISSUES_READ)) {
      for (const stored of await this.ctx.mirror.readIssue(entry.issue.number)) {
        const record = (stored as StoredRecord).record;
        // An audit record is written once: an edited one (even re-signed) is not the action as it happened.
        if (record.k !== "audit" || stored.updatedAt !== stored.createdAt) continue;
        // The server's creation time, not the writer's clock (invariant 2).
        const audit = { ...(record as AuditRecordPayload).entry, id: stored.id, at: Date.parse(stored.createdAt) };
        if (auditMatches(audit, f)) records.push(audit);
      }
    }
    return records.sort((a, b) => b.id - a.id).slice(0, f.limit);
  }
}
