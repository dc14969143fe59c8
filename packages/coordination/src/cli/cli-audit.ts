import type { Command } from "commander";
import { type AuditedCall, runAudited } from "../access/run-audited.js";
import type { CoordinationStore } from "../store/port.js";
import { type CliIo, cliActor, cliAuditActor, emit, type GlobalOptions } from "./cli-context.js";

/** Opens the store the global options select, runs `fn`, closes it (run-cli.ts). */
export type WithStore = (global: GlobalOptions, fn: (store: CoordinationStore) => Promise<void>) => Promise<void>;

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

export interface AuditedCommand<T> {
  action: string;
  target: string;
  /** Reads what the action is about to change, for the record's "before". */
  before?: (store: CoordinationStore) => Promise<unknown>;
  /** The action; `actor` is what the store's events name (`operator:<--actor or cli:user>`). */
  perform: (store: CoordinationStore, actor: string) => Promise<T>;
  /** The line printed without --json. */
  describe: (result: T) => string;
}

/**
 * The body of every CLI command that acts: open the store, run the action audited under the
 * global `--actor`, print the result (JSON with --json) — one place, so no command can skip
 * the audit or forget `--actor`.
 */
export function runAuditedCommand<T>(
  program: Command,
  io: CliIo,
  withStore: WithStore,
  command: AuditedCommand<T>,
): Promise<void> {
  const global = program.opts<GlobalOptions>();
  return withStore(global, async (store) => {
    const { before } = command;
    const result = await auditedCli(
      io,
      global,
      store,
      { action: command.action, target: command.target, ...(before ? { before: () => before(store) } : {}) },
      () => command.perform(store, cliActor(global)),
    );
    emit(io, global, result, () => command.describe(result));
  });
}
