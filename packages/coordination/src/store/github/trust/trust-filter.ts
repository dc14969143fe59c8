import type { GithubStoreLog } from "../options.js";
import { recordSchema, type SentinelRecord } from "../records/record-schemas.js";
import { decodeRecord, hasRecordMarker } from "./record-codec.js";
import { verifyRecord } from "./record-signature.js";
import { type RefusalCount, RefusalCounter } from "./refusal-counter.js";

export const REJECT_REASONS = [
  "author",
  "unsigned",
  "badSignature",
  "replayed",
  "malformed",
  "oversized",
  "tooDeep",
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * A record whose current body failed verification where this process had verified an earlier
 * version (`kept`: it still serves that one), or a task issue whose spec it never verified.
 */
export interface TamperedRecord {
  issue: number;
  /** The comment id; null for an issue body (a task's signed spec). */
  comment: number | null;
  author: string;
  reason: RejectReason;
  /** GitHub's `updated_at` of the refused version. */
  at: string;
  kept: boolean;
}

/** How many tampered records `trustStats()` lists (the newest). */
const TAMPERED_SHOWN = 50;

export interface TrustStats {
  accepted: number;
  rejected: Record<RejectReason, number>;
  /** Comment versions refused as coordination data, all reasons together. */
  refused: number;
  /** The same refusals by author and reason (the busiest authors; the rest under "(others)"). */
  refusedBy: RefusalCount[];
  /** Comments without a sentinel payload (people talking on an issue): not data, not an attack. */
  ignoredPlain: number;
  /** Edited records (see TamperedRecord), newest first. */
  tampered: TamperedRecord[];
}

/** The judgement of one version: its record, or why it is not one. */
export type Verdict = { record: SentinelRecord } | { record: null; reason: RejectReason | "plain" };

export interface SignedSource {
  /** Comment id, or issue number for issue bodies. */
  id: number;
  issue: number | "body";
  author: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

type Judgement = { ok: true; record: SentinelRecord } | { ok: false; reason: RejectReason | "plain" };

/**
 * Invariant 8: a comment is coordination data only if its author is allowed AND its payload
 * carries a valid HMAC over (issue, kind, comment, signing time, payload) AND it is where and
 * when it was signed for (not replayed: see `replayed`). Everything else is ignored, counted
 * once per comment version and logged once per comment — it never throws and never becomes a
 * record. Size and depth are checked before any recursive work, so no body can exhaust the stack.
 */
export class TrustFilter {
  private readonly allowed: Set<string>;
  private readonly seenVersions = new Set<string>();
  private readonly loggedComments = new Set<string>();
  private readonly refusals = new RefusalCounter<RejectReason>(REJECT_REASONS);
  private readonly tampered = new Map<string, TamperedRecord>();
  private accepted = 0;
  private ignoredPlain = 0;

  /**
   * @param maxSignatureAgeMs how much older than the comment's `updated_at` a rewrite's
   *   signing time may be (the writer's retries and waits; see docs/security.md)
   */
  constructor(
    private readonly secret: string,
    allowedAuthors: string[],
    private readonly log: GithubStoreLog | undefined,
    private readonly maxSignatureAgeMs: number,
  ) {
    this.allowed = new Set(allowedAuthors.map((login) => login.toLowerCase()));
  }

  accept(source: SignedSource): SentinelRecord | null {
    return this.check(source).record;
  }

  /** As `accept`, saying why a version is refused. */
  check(source: SignedSource): Verdict {
    const outcome = this.judgeSafely(source);
    const verdict: Verdict = outcome.ok ? { record: outcome.record } : { record: null, reason: outcome.reason };
    const versionKey = `${source.issue}:${source.id}:${source.updatedAt}:${source.body.length}`;
    if (this.seenVersions.has(versionKey)) return verdict;
    this.seenVersions.add(versionKey);
    if (outcome.ok) this.accepted += 1;
    else if (outcome.reason === "plain") this.ignoredPlain += 1;
    else {
      this.refusals.add(source.author, outcome.reason);
      const commentKey = `${source.issue}:${source.id}`;
      if (!this.loggedComments.has(commentKey)) {
        this.loggedComments.add(commentKey);
        // Never log the body or the signature: only where it was and why it was refused.
        this.log?.("warn", "ignored an untrusted sentinel record", {
          reason: outcome.reason,
          author: source.author,
          issue: source.issue,
          id: source.id,
        });
      }
    }
    return verdict;
  }

  /** Report an edited record (the refusal itself is counted by `check`). */
  noteTampered(entry: TamperedRecord): void {
    const key = `${entry.issue}:${entry.comment}`;
    this.tampered.delete(key);
    this.tampered.set(key, entry);
    if (this.tampered.size > TAMPERED_SHOWN) this.tampered.delete(this.tampered.keys().next().value as string);
  }

  snapshot(): TrustStats {
    const { byReason, total, byAuthor } = this.refusals.snapshot();
    return {
      accepted: this.accepted,
      rejected: byReason,
      refused: total,
      refusedBy: byAuthor,
      ignoredPlain: this.ignoredPlain,
      tampered: [...this.tampered.values()].reverse(),
    };
  }

  /** A reader must never fail because of what someone wrote: anything unforeseen is a malformed record. */
  private judgeSafely(source: SignedSource): Judgement {
    try {
      return this.judge(source);
    } catch {
      return { ok: false, reason: "malformed" };
    }
  }

  /**
   * A validly signed body that is not where or when it was written: anyone with write access
   * can put an older body of the same issue back into a comment of ours. A new comment's body
   * (no comment id) counts only while the comment was never edited; a rewrite's body only on
   * the comment it was signed for, and only if signed at most `maxSignatureAgeMs` before
   * GitHub's `updated_at`. Issue bodies are written once and GitHub bumps an issue's
   * `updated_at` for every comment and label, so they are judged by their nonce instead.
   */
  private replayed(source: SignedSource, comment: number | undefined, signedAt: number): boolean {
    if (source.issue === "body") return false;
    if (comment === undefined) return source.updatedAt !== source.createdAt;
    if (comment !== source.id) return true;
    return signedAt < Date.parse(source.updatedAt) - this.maxSignatureAgeMs;
  }

  private judge(source: SignedSource): Judgement {
    if (!hasRecordMarker(source.body)) return { ok: false, reason: "plain" };
    if (!this.allowed.has(source.author.toLowerCase())) return { ok: false, reason: "author" };
    const decoded = decodeRecord(source.body);
    if (!decoded.ok) {
      if (decoded.reason === "none") return { ok: false, reason: "plain" };
      if (decoded.reason === "ambiguous") return { ok: false, reason: "malformed" };
      return { ok: false, reason: decoded.reason };
    }
    const { p, sig, t, c } = decoded.envelope;
    if (typeof sig !== "string" || sig.length === 0) return { ok: false, reason: "unsigned" };
    if (typeof t !== "number" || !Number.isSafeInteger(t)) return { ok: false, reason: "unsigned" };
    const comment = c === undefined ? undefined : typeof c === "number" && Number.isSafeInteger(c) ? c : null;
    if (comment === null) return { ok: false, reason: "malformed" };
    const kind = p !== null && typeof p === "object" && "k" in p ? String((p as { k: unknown }).k) : "";
    const scope = { issue: source.issue, kind, comment: comment ?? null, signedAt: t };
    if (!verifyRecord(this.secret, scope, p, sig)) return { ok: false, reason: "badSignature" };
    if (this.replayed(source, comment, t)) return { ok: false, reason: "replayed" };
    const parsed = recordSchema.safeParse(p);
    if (!parsed.success) return { ok: false, reason: "malformed" };
    return { ok: true, record: parsed.data };
  }
}
