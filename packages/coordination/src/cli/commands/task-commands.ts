import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { displayableTask } from "../../domain/displayable.js";
import { TASK_STATES, type Task, type TaskState } from "../../domain/task.js";
import { describeRunIn, isDelayed } from "../../domain/task-delay.js";
import { NotFoundError } from "../../errors.js";
import { TaskQueue } from "../../queue/task-queue.js";
import type { CoordinationStore } from "../../store/port.js";
import { auditedCli, runAuditedCommand, type WithStore } from "../cli-audit.js";
import { type CliIo, cliActor, emit, type GlobalOptions } from "../cli-context.js";
import { formatDuration, formatTable } from "../format-table.js";
import { delayOption, intOption, isoTimeOption, jsonOption } from "../parse-args.js";
import { registerTaskBulkCommand } from "./task-bulk-command.js";
import { registerTaskLogCommand } from "./task-log-command.js";

export function registerTaskCommands(program: Command, io: CliIo, withStore: WithStore): void {
  const task = program.command("task").description("create, inspect and act on tasks");

  task
    .command("create <type>")
    .description("queue a task of <type> (a worker with a handler for it will run it)")
    .option("--params <json>", "task parameters as JSON", jsonOption("--params"), {})
    .option("--priority <n>", "higher runs first (-100..100)", intOption("--priority", -100, 100), 0)
    .option("--max-attempts <n>", "attempts before the task is dead (1..100)", intOption("--max-attempts", 1, 100), 3)
    .option("--timeout-ms <n>", "lock TTL / run time limit per attempt", intOption("--timeout-ms", 100, 24 * 3_600_000))
    .option("--pin <worker>", "only this worker may run it")
    .option("--title <text>", "a human-readable title")
    .option("--after <ids>", "comma-separated task ids that must all succeed first", parseIdList)
    .option(
      "--on-dependency-failure <policy>",
      "if a dependency ends dead or cancelled: cancel (default) or fail this task",
    )
    .option("--delay <duration>", 'run after this long, e.g. "30s", "5m", "2h"', delayOption("--delay"))
    .option("--at <iso>", "run at this time (ISO 8601; store clock)", isoTimeOption("--at"))
    .action(
      (
        type: string,
        opts: {
          params: unknown;
          priority: number;
          maxAttempts: number;
          timeoutMs?: number;
          pin?: string;
          title?: string;
          after?: string[];
          onDependencyFailure?: string;
          delay?: number;
          at?: number;
        },
      ) =>
        withStore(program.opts(), async (store) => {
          if (opts.delay !== undefined && opts.at !== undefined)
            throw new InvalidArgumentError("give --delay or --at, not both");
          const global = program.opts<GlobalOptions>();
          const created = await auditedCli(io, global, store, { action: "task.create", target: type }, () =>
            new TaskQueue(store).create(
              {
                type,
                params: opts.params,
                priority: opts.priority,
                maxAttempts: opts.maxAttempts,
                ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
                pinnedWorkerId: opts.pin ?? null,
                ...(opts.title !== undefined ? { title: opts.title } : {}),
                ...(opts.after ? { dependsOn: opts.after } : {}),
                ...(opts.onDependencyFailure !== undefined ? { onDependencyFailure: opts.onDependencyFailure } : {}),
                ...(opts.delay !== undefined ? { delayMs: opts.delay } : {}),
                ...(opts.at !== undefined ? { runAt: opts.at } : {}),
              },
              cliActor(global),
            ),
          );
          const now = await store.now();
          const when = isDelayed(created, now) ? `, runs ${describeRunAt(created.runAt, now)}` : "";
          emit(
            io,
            program.opts(),
            created,
            () => `created ${created.id} (${created.type}, priority ${created.priority}${when})`,
          );
        }),
    );

  task
    .command("list")
    .description("list tasks, newest first")
    .option("--state <states>", `comma-separated: ${TASK_STATES.join(", ")}`, parseStates)
    .option("--type <type>", "only this task type")
    .option("--limit <n>", "at most this many (1..1000)", intOption("--limit", 1, 1000), 50)
    .action((opts: { state?: TaskState[]; type?: string; limit: number }) =>
      withStore(program.opts(), async (store) => {
        const page = await store.listTasks({
          ...(opts.state ? { states: opts.state } : {}),
          ...(opts.type ? { types: [opts.type] } : {}),
          limit: opts.limit,
        });
        const now = await store.now();
        emit(io, program.opts(), page.items.map(displayableTask), () =>
          formatTable(
            ["ID", "TYPE", "STATE", "PRI", "ATTEMPTS", "WORKER", "TOKEN", "AGE", "RUNS"],
            page.items.map((t) => [
              t.id,
              t.type,
              t.state,
              t.priority,
              `${t.attempts}/${t.maxAttempts}`,
              t.workerId,
              t.fencingToken,
              formatDuration(now - t.createdAt),
              isDelayed(t, now) ? describeRunIn(t.runAt, now) : "",
            ]),
          ),
        );
      }),
    );

  task
    .command("show <id>")
    .description("one task with params, result and last error")
    .action((id: string) =>
      withStore(program.opts(), async (store) => {
        const found = displayableTask(await requireTask(store, id));
        const now = await store.now();
        emit(io, program.opts(), found, () => describeTask(found, now));
      }),
    );

  registerTaskLogCommand(task, program, io, withStore);
  registerTaskBulkCommand(task, program, io, withStore);

  task
    .command("cancel <id>")
    .description("cancel a task that has not finished (its lock is released)")
    .option("--reason <text>", "recorded in the audit log", "cancelled from the CLI")
    .action((id: string, opts: { reason: string }) =>
      withStore(program.opts(), async (store) => {
        await requireTask(store, id);
        const global = program.opts<GlobalOptions>();
        const done = await auditedCli(
          io,
          global,
          store,
          { action: "task.cancel", target: id, before: () => store.getTask(id) },
          () => new TaskQueue(store).cancel(id, cliActor(global), opts.reason),
        );
        emit(io, program.opts(), done, () => `cancelled ${done.id}`);
      }),
    );

  task
    .command("promote <id>")
    .description("run a delayed task now instead of at its scheduled time")
    .option("--reason <text>", "recorded in the audit log", "promoted from the CLI")
    .action((id: string, opts: { reason: string }) =>
      runAuditedCommand(program, io, withStore, {
        action: "task.promote",
        target: id,
        before: (store) => store.getTask(id),
        perform: async (store, actor) => {
          await requireTask(store, id);
          return new TaskQueue(store).promote(id, actor, opts.reason);
        },
        describe: (promoted) => `promoted ${promoted.id}: runs now`,
      }),
    );

  task
    .command("edit <id>")
    .description("change the priority and/or params of a queued task (refused once a worker started it)")
    .option("--priority <n>", "higher runs first (-100..100)", intOption("--priority", -100, 100))
    .option("--params <json>", "new task parameters as JSON", jsonOption("--params"))
    .action((id: string, opts: { priority?: number; params?: unknown }) =>
      runAuditedCommand(program, io, withStore, {
        action: "task.edit",
        target: id,
        before: (store) => store.getTask(id),
        perform: (store, actor) =>
          new TaskQueue(store).edit(
            id,
            {
              ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
              ...(opts.params !== undefined ? { params: opts.params } : {}),
            },
            actor,
          ),
        describe: (edited) => `edited ${edited.id} (priority ${edited.priority})`,
      }),
    );

  task
    .command("retry <id>")
    .description("queue a failed, dead or cancelled task again now, with a fresh attempt budget")
    .action((id: string) =>
      withStore(program.opts(), async (store) => {
        await requireTask(store, id);
        const global = program.opts<GlobalOptions>();
        const queued = await auditedCli(
          io,
          global,
          store,
          { action: "task.retry", target: id, before: () => store.getTask(id) },
          () => new TaskQueue(store).retry(id, cliActor(global)),
        );
        emit(io, program.opts(), queued, () => `requeued ${queued.id} (state ${queued.state})`);
      }),
    );
}

/** `--after a,b`: the ids, trimmed; an empty list is refused rather than read as "no dependencies". */
function parseIdList(value: string): string[] {
  const ids = value
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new InvalidArgumentError(`--after expects comma-separated task ids; got "${value}"`);
  return ids;
}

function parseStates(value: string): TaskState[] {
  const states = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = states.filter((s) => !(TASK_STATES as readonly string[]).includes(s));
  if (bad.length > 0 || states.length === 0) {
    throw new InvalidArgumentError(
      `--state expects a comma-separated list of ${TASK_STATES.join(", ")}; got "${value}"`,
    );
  }
  return states as TaskState[];
}

async function requireTask(store: CoordinationStore, id: string): Promise<Task> {
  const found = await store.getTask(id);
  if (!found) throw new NotFoundError("task", id);
  return found;
}

/** "in 4 min (2026-12-07T10:04:00.000Z)": relative for people, absolute to check against. */
function describeRunAt(runAt: number, now: number): string {
  return `${describeRunIn(runAt, now)} (${new Date(runAt).toISOString()})`;
}

function describeTask(t: Task, now: number): string {
  const lines: Array<[string, unknown]> = [
    ["id", t.id],
    ["type", t.type],
    ["title", t.title],
    ["state", t.state],
    ["priority", t.priority],
    ["attempts", `${t.attempts}/${t.maxAttempts}`],
    ["worker", t.workerId ?? "-"],
    ["fencing token", t.fencingToken ?? "-"],
    ["pinned to", t.pinnedWorkerId ?? "-"],
    ["after", t.dependsOn.length ? `${t.dependsOn.join(", ")} (on failure: ${t.onDependencyFailure})` : "-"],
    ["timeout", `${t.timeoutMs} ms`],
    ["created", new Date(t.createdAt).toISOString()],
    ["runs", isDelayed(t, now) ? describeRunAt(t.runAt, now) : "-"],
    ["finished", t.finishedAt === null ? "-" : new Date(t.finishedAt).toISOString()],
    ["params", JSON.stringify(t.params)],
    ["result", JSON.stringify(t.result ?? null)],
    ["last error", t.lastError ?? "-"],
  ];
  return lines.map(([k, v]) => `${k.padEnd(14)} ${String(v)}`).join("\n");
}
