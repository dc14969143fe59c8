import { type AuditRecord, auditSnapshot, type NewAuditRecord } from "../domain/audit.js";
import { coerceError } from "../errors.js";
import type { CoordinationStore } from "../store/port.js";

export interface AuditedCall {
  actor: string;
  role: NewAuditRecord["role"];
  action: string;
  target: string;
  /** Reads what the action is about to change (kept bounded by auditSnapshot); a failed read records null. */
  before?: () => Promise<unknown>;
}

/**
 * Runs one operator action and records it in the store's durable audit, whatever the
 * outcome: ok with before/after, or refused with the reason. The action's own error is
 * rethrown unchanged. A store that cannot take the record does not turn a done action into a
 * failure its caller would retry: `onAuditError` hears of it instead.
 */
export async function runAudited<T>(
  store: CoordinationStore,
  call: AuditedCall,
  perform: () => Promise<T>,
  onAuditError: (error: Error, entry: NewAuditRecord) => void,
): Promise<T> {
  const who = { actor: call.actor, role: call.role, action: call.action, target: call.target.slice(0, 200) };
  const before = call.before ? auditSnapshot(await call.before().catch(() => null)) : null;
  const record = async (entry: NewAuditRecord): Promise<AuditRecord | null> =>
    store.appendAudit(entry).catch((thrown: unknown) => {
      onAuditError(coerceError(thrown), entry);
      return null;
    });
  let result: T;
  try {
    result = await perform();
  } catch (thrown) {
    const reason = coerceError(thrown).message.slice(0, 1000);
    await record({ ...who, before, after: null, result: "refused", reason });
    throw thrown;
  }
  await record({ ...who, before, after: auditSnapshot(result), result: "ok", reason: null });
  return result;
}
