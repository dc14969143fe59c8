import type { Command } from "commander";
import {
  describeLimit,
  formatStartsLimit,
  parseStartsLimit,
  type StartsLimit,
  type TypeLimitChange,
} from "../../domain/task-type-limit.js";
import { ALL_TYPES } from "../../domain/task-type-pause.js";
import { ValidationError } from "../../errors.js";
import type { CoordinationStore } from "../../store/port.js";
import { auditedCli, type WithStore } from "../cli-audit.js";
import { type CliIo, cliActor, emit, type GlobalOptions } from "../cli-context.js";
import { formatTable } from "../format-table.js";

/** `<type>` or `--all` (the whole queue), never both nor neither. */
function targetOf(type: string | undefined, opts: { all?: boolean }): string {
  if (opts.all && type !== undefined) throw new ValidationError("type", "either a task type or --all, not both", type);
  if (opts.all) return ALL_TYPES;
  if (type === undefined) throw new ValidationError("type", "a task type, or --all for the whole queue", "nothing");
  return type;
}

/** The store's per-type limit methods, or a clear error on a backend without them. */
function limitsOf(
  store: CoordinationStore,
): Required<Pick<CoordinationStore, "setTaskTypeLimit" | "listTaskTypeLimits">> {
  const { setTaskTypeLimit, listTaskTypeLimits } = store;
  if (!setTaskTypeLimit || !listTaskTypeLimits)
    throw new ValidationError("backend", "a store that enforces per-type limits (sqlite, github)", store.backend);
  return { setTaskTypeLimit: setTaskTypeLimit.bind(store), listTaskTypeLimits: listTaskTypeLimits.bind(store) };
}

/**
 * `limit <type> [maxRunning] [--starts n/interval|none]` or `--clear`: what changes. A field
 * not given keeps its value ("none" clears it), so the two limits are set independently.
 */
function parseLimitChange(value: string | undefined, opts: { clear?: boolean; starts?: string }): TypeLimitChange {
  if (opts.clear && (value !== undefined || opts.starts !== undefined))
    throw new ValidationError("maxRunning", "either limits or --clear, not both", value ?? opts.starts ?? "");
  if (opts.clear) return null;
  if (value === undefined && opts.starts === undefined)
    throw new ValidationError(
      "maxRunning",
      "a whole number of running tasks ≥ 1, --starts n/interval, or --clear",
      "nothing",
    );
  const change: { maxRunning?: number | null; starts?: StartsLimit | null } = {};
  if (value !== undefined) {
    const n = Number(value);
    if (value === "none") change.maxRunning = null;
    else if (Number.isInteger(n) && n >= 1) change.maxRunning = n;
    else throw new ValidationError("maxRunning", 'a whole number of running tasks ≥ 1, or "none"', value);
  }
  if (opts.starts !== undefined) change.starts = opts.starts === "none" ? null : parseStartsLimit(opts.starts);
  return change;
}

/** Flow control: `sentinel queue pause|resume <type>|--all`, `list`, `limit <type> <n>|--clear`, `limits`. */
export function registerQueueCommands(program: Command, io: CliIo, withStore: WithStore): void {
  const queue = program.command("queue").description("pause and resume claims of a task type, or of the whole queue");

  queue
    .command("pause [type]")
    .description("workers stop claiming tasks of this type (running tasks finish)")
    .option("--all", "pause every type (the whole queue)")
    .action((type: string | undefined, opts: { all?: boolean }) =>
      withStore(program.opts(), async (store) => {
        const global = program.opts<GlobalOptions>();
        const target = targetOf(type, opts);
        const pause = await auditedCli(io, global, store, { action: "queue.pause", target }, () =>
          store.pauseTaskType(target, cliActor(global)),
        );
        emit(io, program.opts(), pause, () => `paused ${pause.type} (by ${pause.pausedBy})`);
      }),
    );

  queue
    .command("resume [type]")
    .description("workers claim tasks of this type again")
    .option("--all", "resume the whole-queue pause (types paused on their own stay paused)")
    .action((type: string | undefined, opts: { all?: boolean }) =>
      withStore(program.opts(), async (store) => {
        const global = program.opts<GlobalOptions>();
        const target = targetOf(type, opts);
        const resumed = await auditedCli(io, global, store, { action: "queue.resume", target }, async () => ({
          resumed: await store.resumeTaskType(target, cliActor(global)),
        })).then((r) => r.resumed);
        emit(io, program.opts(), { type: target, resumed }, () =>
          resumed ? `resumed ${target}` : `${target} was not paused`,
        );
      }),
    );

  queue
    .command("list")
    .description("paused task types ('*' is the whole queue), who paused them and when")
    .action(() =>
      withStore(program.opts(), async (store) => {
        const pauses = await store.listPausedTypes();
        emit(io, program.opts(), pauses, () =>
          pauses.length === 0
            ? "nothing is paused"
            : formatTable(
                ["TYPE", "PAUSED BY", "SINCE"],
                pauses.map((p) => [p.type, p.pausedBy, new Date(p.pausedAt).toISOString()]),
              ),
        );
      }),
    );

  queue
    .command("limit <type> [maxRunning]")
    .description(
      'at most maxRunning tasks of this type run at once across the cluster ("none" removes it); --starts caps its starts per interval',
    )
    .option("--starts <n/interval>", 'at most n starts in any window of the interval, e.g. "30/1m" ("none" removes it)')
    .option("--clear", "remove both of the type's limits")
    .action((type: string, value: string | undefined, opts: { clear?: boolean; starts?: string }) =>
      withStore(program.opts(), async (store) => {
        const global = program.opts<GlobalOptions>();
        const limits = limitsOf(store);
        const change = parseLimitChange(value, opts);
        const limit = await auditedCli(io, global, store, { action: "queue.limit", target: type }, () =>
          limits.setTaskTypeLimit(type, change, cliActor(global)),
        );
        emit(io, program.opts(), { type, limit }, () =>
          limit ? `${type}: ${describeLimit(limit)}` : `${type}: no limit`,
        );
      }),
    );

  queue
    .command("limits")
    .description("per-type limits (running at once, starts per interval), who set them and when")
    .action(() =>
      withStore(program.opts(), async (store) => {
        const limits = await limitsOf(store).listTaskTypeLimits();
        emit(io, program.opts(), limits, () =>
          limits.length === 0
            ? "no limits"
            : formatTable(
                ["TYPE", "MAX RUNNING", "MAX STARTS", "SET BY", "SINCE"],
                limits.map((l) => [
                  l.type,
                  l.maxRunning ?? "-",
                  formatStartsLimit(l) || "-",
                  l.setBy,
                  new Date(l.setAt).toISOString(),
                ]),
              ),
        );
      }),
    );
}
