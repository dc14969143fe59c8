import { coerceError } from "@sentinel/coordination";
import { recordAudit } from "./cache/audit-log.js";
import type { TRPCContext } from "./context.js";
import { toTRPCError } from "./error-mapping.js";

export interface AuditedAction {
  action: string;
  target: string;
  params: unknown;
}

type OperatorContext = TRPCContext & { session: { operator: string } };

/** The actor string the store records for operator actions. */
export function actorOf(ctx: OperatorContext): string {
  return `operator:${ctx.session.operator}`;
}

/**
 * Runs one operator action against the store and records it in the audit log with the
 * operator, whatever the outcome; then syncs so the caller's next read (and every open
 * dashboard) already shows the effect.
 */
export async function audited<T>(ctx: OperatorContext, what: AuditedAction, perform: () => Promise<T>): Promise<T> {
  const entry = { operator: ctx.session.operator, action: what.action, target: what.target, params: what.params };
  try {
    const result = await perform();
    recordAudit(ctx.cache.db, { ...entry, at: ctx.syncer.storeNow(), result: "ok", error: null });
    return result;
  } catch (thrown) {
    const error = coerceError(thrown);
    recordAudit(ctx.cache.db, { ...entry, at: ctx.syncer.storeNow(), result: "error", error: error.message });
    throw toTRPCError(thrown) ?? error;
  } finally {
    ctx.syncer.publish(["audit"]);
    await ctx.syncer.syncOnce().catch(() => null);
  }
}
