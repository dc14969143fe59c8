import { type AuditedCall, runAudited } from "../access/run-audited.js";
import type { CoordinationStore } from "../store/port.js";
import { type CliIo, cliAuditActor, type GlobalOptions } from "./cli-context.js";

/**
 * A CLI action, recorded in the store's durable audit like the dashboard's (same action
 * names, role "cli": the CLI acts with the store's own credentials, not a control-plane token).
 */
export function auditedCli<T>(
  io: CliIo,
  global: GlobalOptions,
  store: CoordinationStore,
  call: Omit<AuditedCall, "actor" | "role">,
  perform: () => Promise<T>,
): Promise<T> {
  return runAudited(store, { ...call, actor: cliAuditActor(global), role: "cli" }, perform, (error) =>
    io.err(`sentinel: warning: the action ran but its audit record was not written: ${error.message}`),
  );
}
