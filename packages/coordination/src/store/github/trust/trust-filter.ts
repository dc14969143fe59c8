import type { GithubStoreLog } from "../options.js";
import { recordSchema, type SentinelRecord } from "../records/record-schemas.js";
import { decodeRecord, hasRecordMarker } from "./record-codec.js";
import { verifyRecord } from "./record-signature.js";

export type RejectReason = "author" | "unsigned" | "badSignature" | "malformed" | "oversized";

export interface TrustStats {
  accepted: number;
  rejected: Record<RejectReason, number>;
  /** Comments without a sentinel payload (people talking on an issue): not data, not an attack. */
  ignoredPlain: number;
}

export interface SignedSource {
  /** Comment id, or issue number for issue bodies. */
  id: number;
  issue: number | "body";
  author: string;
  body: string;
  updatedAt: string;
}

/**
 * Invariant 8: a comment is coordination data only if its author is allowed AND its payload
 * carries a valid HMAC over (issue, kind, payload). Everything else is ignored, counted once
 * per comment version and logged once — it never throws and never becomes a record.
 */
export class TrustFilter {
  private readonly allowed: Set<string>;
  private readonly seen = new Set<string>();
  private readonly stats: TrustStats = {
    accepted: 0,
    rejected: { author: 0, unsigned: 0, badSignature: 0, malformed: 0, oversized: 0 },
    ignoredPlain: 0,
  };

  constructor(
    private readonly secret: string,
    allowedAuthors: string[],
    private readonly log: GithubStoreLog | undefined,
  ) {
    this.allowed = new Set(allowedAuthors.map((login) => login.toLowerCase()));
  }

  accept(source: SignedSource): SentinelRecord | null {
    const versionKey = `${source.issue}:${source.id}:${source.updatedAt}:${source.body.length}`;
    const outcome = this.judge(source);
    const first = !this.seen.has(versionKey);
    if (first) {
      this.seen.add(versionKey);
      if (outcome.ok) this.stats.accepted += 1;
      else if (outcome.reason === "plain") this.stats.ignoredPlain += 1;
      else {
        this.stats.rejected[outcome.reason] += 1;
        // Never log the body or the signature: only where it was and why it was refused.
        this.log?.("warn", "ignored an untrusted sentinel record", {
          reason: outcome.reason,
          author: source.author,
          issue: source.issue,
          id: source.id,
        });
      }
    }
    return outcome.ok ? outcome.record : null;
  }

  snapshot(): TrustStats {
    return { ...this.stats, rejected: { ...this.stats.rejected } };
  }

  private judge(
    source: SignedSource,
  ): { ok: true; record: SentinelRecord } | { ok: false; reason: RejectReason | "plain" } {
    if (!hasRecordMarker(source.body)) return { ok: false, reason: "plain" };
    if (!this.allowed.has(source.author.toLowerCase())) return { ok: false, reason: "author" };
    const decoded = decodeRecord(source.body);
    if (!decoded.ok) {
      if (decoded.reason === "none") return { ok: false, reason: "plain" };
      return { ok: false, reason: decoded.reason === "oversized" ? "oversized" : "malformed" };
    }
    const { p, sig } = decoded.envelope;
    if (typeof sig !== "string" || sig.length === 0) return { ok: false, reason: "unsigned" };
    const kind = p !== null && typeof p === "object" && "k" in p ? String((p as { k: unknown }).k) : "";
    if (!verifyRecord(this.secret, { issue: source.issue, kind }, p, sig)) return { ok: false, reason: "badSignature" };
    const parsed = recordSchema.safeParse(p);
    if (!parsed.success) return { ok: false, reason: "malformed" };
    return { ok: true, record: parsed.data };
  }
}
