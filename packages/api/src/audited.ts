import { coerceError, type NewAuditRecord, runAudited } from "@sentinel/coordination";
import type { OperatorSession, TRPCContext } from "./context.js";
import { toTRPCError } from "./error-mapping.js";

export interface AuditedAction {
  action: string;
  target: string;
  /** Reads what the action is about to change (bounded by auditSnapshot); a failed read records null. */
  before?: () => Promise<unknown>;
}

type OperatorContext = TRPCContext & { session: OperatorSession };

/** The actor string the store's events record for dashboard and API actions. */
export function actorOf(ctx: OperatorContext): string {
  return `operator:${ctx.session.operator}`;
}

/**
 * An audit record the store could not take: the action it describes has already happened (or
 * been refused), so this must not turn into a failure the caller would retry; it is reported
 * on stderr instead (names only, never a token).
 */
function reportAuditFailure(error: Error, entry: NewAuditRecord): void {
  console.error(
    JSON.stringify({
      level: "error",
      component: "control-plane",
      action: "audit.append",
      result: "failed",
      audit_action: entry.action,
      actor: entry.actor,
      error: error.message,
    }),
  );
}

async function appendAudit(ctx: TRPCContext, entry: NewAuditRecord): Promise<void> {
  await ctx.store.appendAudit(entry).catch((thrown: unknown) => reportAuditFailure(coerceError(thrown), entry));
}

/** The target a refused call named, from its raw input (bounded; the input was not validated). */
function targetOf(input: unknown): string {
  if (input === null || typeof input !== "object") return "";
  const fields = input as Record<string, unknown>;
  for (const key of ["taskId", "workerId", "type", "name", "strategy"]) {
    const value = fields[key];
    if (typeof value === "string") return value.slice(0, 200);
  }
  return "";
}

/**
 * A mutation refused because the caller's role is too low (trpc.ts's role check): counted
 * every time, recorded in the audit at most once per actor and procedure a window
 * (auth/role-refusals.ts), the record saying how many went unrecorded before it.
 */
export async function recordRefusal(
  ctx: TRPCContext,
  session: OperatorSession,
  path: string,
  input: unknown,
  reason: string,
): Promise<void> {
  const { record, merged } = ctx.roleRefusals.note(session.operator, path);
  if (!record) return;
  await appendAudit(ctx, {
    actor: session.operator,
    role: session.role,
    action: path,
    target: targetOf(input),
    before: null,
    after: null,
    result: "refused",
    reason: merged === 0 ? reason : `${reason} (and ${merged} more refused like it since its last record)`,
  });
  ctx.syncer.publish(["audit"]);
}

/**
 * Runs one operator action against the store and records it in the store's durable audit
 * with the caller, its role, what it changed (before/after, bounded) and the outcome; then
 * syncs so the caller's next read (and every open dashboard) already shows the effect.
 */
export async function audited<T>(ctx: OperatorContext, what: AuditedAction, perform: () => Promise<T>): Promise<T> {
  try {
    return await runAudited(
      ctx.store,
      { actor: ctx.session.operator, role: ctx.session.role, ...what },
      perform,
      reportAuditFailure,
    );
  } catch (thrown) {
    throw toTRPCError(thrown) ?? coerceError(thrown);
  } finally {
    ctx.syncer.publish(["audit"]);
    await ctx.syncer.syncOnce().catch(() => null);
  }
}
