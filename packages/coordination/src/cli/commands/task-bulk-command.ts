import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import {
  BULK_ACTIONS,
  BULK_LIMIT,
  BULK_RULES,
  type BulkAction,
  runBulk,
  selectBulk,
} from "../../queue/bulk-by-filter.js";
import { auditedCli, type WithStore } from "../cli-audit.js";
import { type CliIo, cliActor, emit, type GlobalOptions } from "../cli-context.js";
import { intOption } from "../parse-args.js";

function actionOption(value: string): BulkAction {
  if (!(BULK_ACTIONS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expects one of ${BULK_ACTIONS.join(", ")}, got "${value}"`);
  return value as BulkAction;
}

function typesOption(value: string): string[] {
  const types = value
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (types.length === 0) throw new InvalidArgumentError(`--type expects comma-separated task types; got "${value}"`);
  return types;
}

/**
 * `task bulk <action>`: without --yes, counts what the action would touch and prints the
 * command that applies it with that count (--expect n); with --yes, applies it, refused if
 * --expect was given and the filter now matches another number.
 */
export function registerTaskBulkCommand(task: Command, program: Command, io: CliIo, withStore: WithStore): void {
  task
    .command("bulk <action>")
    .description(`act on every matching task: ${BULK_ACTIONS.join(" | ")} (counts first; --yes applies)`)
    .option("--type <types>", "only these task types (comma-separated)", typesOption)
    .option("--yes", "apply it (without: only count)")
    .option(
      "--expect <n>",
      "refuse unless exactly n tasks match now (the count the preview showed)",
      intOption("--expect", 0, 1_000_000_000),
    )
    .action((rawAction: string, opts: { type?: string[]; yes?: boolean; expect?: number }) =>
      withStore(program.opts(), async (store) => {
        const action = actionOption(rawAction);
        const filter = opts.type ? { types: opts.type } : {};
        const where = opts.type ? ` of type ${opts.type.join(", ")}` : "";
        if (!opts.yes) {
          const { matched } = await selectBulk(store, action, filter);
          const confirm = ["sentinel task bulk", action, ...(opts.type ? [`--type ${opts.type.join(",")}`] : [])];
          emit(io, program.opts(), { action, matched, applied: 0, dryRun: true }, () =>
            matched === 0
              ? `no task${where} matches ${action}`
              : `${matched} task(s)${where} match ${action}${matched > BULK_LIMIT ? ` (the first ${BULK_LIMIT} per run)` : ""}; to apply: ${[...confirm, "--yes", `--expect ${matched}`].join(" ")}`,
          );
          return;
        }
        const global = program.opts<GlobalOptions>();
        const outcome = await auditedCli(
          io,
          global,
          store,
          {
            action: BULK_RULES[action].audit,
            target: "tasks",
            before: async () => ({ filter, expectedCount: opts.expect ?? null }),
          },
          () =>
            runBulk(store, action, filter, {
              actor: cliActor(global),
              ...(opts.expect !== undefined ? { expectedCount: opts.expect } : {}),
            }),
        );
        emit(io, program.opts(), { action, ...outcome, dryRun: false }, () =>
          [
            `${action}: applied to ${outcome.applied} of ${outcome.matched} task(s)${where}`,
            ...outcome.failures.map((f) => `  ${f.taskId}: ${f.error}`),
          ].join("\n"),
        );
      }),
    );
}
