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
});

/** Refused comments in total and by author and reason. */
export type Refusals = z.infer<typeof refusalsSchema>;

/** The store's refused-comment counts, or null when it does not report them (or reports nonsense). */
export function readStoreRefusals(store: CoordinationStore): Refusals | null {
  if (!reportsTrust(store)) return null;
  const parsed = refusalsSchema.safeParse(store.trustStats());
  return parsed.success ? { refused: parsed.data.refused, refusedBy: parsed.data.refusedBy } : null;
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
