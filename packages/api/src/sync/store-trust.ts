import type { CoordinationStore } from "@sentinel/coordination";
import { z } from "zod";

/**
 * The GitHub adapter reports the comments it refused as coordination data (`trustStats()`,
 * docs/security.md); the port does not require it, so the method is optional and its
 * answer is checked before use.
 */
interface TrustReportingStore {
  trustStats(): unknown;
}

function reportsTrust(store: CoordinationStore): store is CoordinationStore & TrustReportingStore {
  return typeof (store as Partial<TrustReportingStore>).trustStats === "function";
}

const count = z.number().int().min(0);
export const refusalsSchema = z.object({
  refused: count,
  refusedBy: z.array(z.object({ author: z.string(), reason: z.string(), count })),
  /** Edited records: a comment or task body whose edit was refused (docs/security.md, _Edited records_). */
  tampered: z
    .array(
      z.object({
        issue: count,
        comment: count.nullable(),
        author: z.string(),
        reason: z.string(),
        at: z.string(),
        kept: z.boolean(),
      }),
    )
    .default([]),
});

/** Refused comments in total and by author and reason, and the edited records. */
export type Refusals = z.infer<typeof refusalsSchema>;

/** The store's refused-comment counts, or null when it does not report them (or reports nonsense). */
export function readStoreRefusals(store: CoordinationStore): Refusals | null {
  if (!reportsTrust(store)) return null;
  const parsed = refusalsSchema.safeParse(store.trustStats());
  if (!parsed.success) return null;
  const { refused, refusedBy, tampered } = parsed.data;
  return { refused, refusedBy, tampered };
}

/** The refusals the syncer saved (sync state `github_refusals`), or null. */
export function parseSavedRefusals(text: string | null): Refusals | null {
  if (text === null) return null;
  try {
    const parsed = refusalsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
