import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import {
  CATCH_UP_POLICIES,
  type CatchUpPolicy,
  nextRuns,
  type Schedule,
  type ScheduleTiming,
} from "../../domain/schedule.js";
import { NotFoundError } from "../../errors.js";
import { schedulesOf } from "../../store/schedule-port.js";
import { runAuditedCommand, type WithStore } from "../cli-audit.js";
import { type CliIo, emit } from "../cli-context.js";
import { formatTable } from "../format-table.js";
import { intOption, jsonOption } from "../parse-args.js";

interface TimingOptions {
  cron?: string;
  tz?: string;
  every?: string;
}

interface TemplateOptions extends TimingOptions {
  params?: unknown;
  priority?: number;
  catchUp?: CatchUpPolicy;
  catchUpMax?: number;
}

function timingOf(opts: TimingOptions): ScheduleTiming | undefined {
  if (opts.cron === undefined && opts.every === undefined) return undefined;
  return {
    ...(opts.cron !== undefined ? { cron: opts.cron } : {}),
    ...(opts.tz !== undefined ? { timezone: opts.tz } : {}),
    ...(opts.every !== undefined ? { every: opts.every } : {}),
  };
}

function catchUpOption(value: string): CatchUpPolicy {
  if (!(CATCH_UP_POLICIES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`--catch-up expects one of ${CATCH_UP_POLICIES.join(", ")}, got "${value}"`);
  return value as CatchUpPolicy;
}

function withTimingOptions(command: Command): Command {
  return command
    .option("--cron <expr>", 'a cron expression, e.g. "*/5 * * * *" (six fields: seconds first)')
    .option("--tz <zone>", "IANA time zone of the cron expression (default UTC)")
    .option("--every <duration>", 'a fixed interval instead, e.g. "30s", "5m", "1h"')
    .option("--params <json>", "parameters of each slot's task", jsonOption("--params"))
    .option("--priority <n>", "priority of each slot's task (-100..100)", intOption("--priority", -100, 100))
    .option(
      "--catch-up <policy>",
      "after an outage: latest (default), all (up to --catch-up-max) or skip",
      catchUpOption,
    )
    .option("--catch-up-max <n>", "most missed slots 'all' fires (1..100)", intOption("--catch-up-max", 1, 100));
}

function describeTiming(s: Pick<Schedule, "timing">): string {
  return s.timing.every !== undefined ? `every ${s.timing.every}` : `${s.timing.cron} (${s.timing.timezone ?? "UTC"})`;
}

export function registerScheduleCommands(program: Command, io: CliIo, withStore: WithStore): void {
  const schedule = program.command("schedule").description("repeating schedules: one task per cron or interval slot");

  withTimingOptions(schedule.command("create <name> <type>"))
    .description("create a schedule whose every slot creates a task of <type>")
    .option("--paused", "create it paused")
    .action((name: string, type: string, opts: TemplateOptions & { paused?: boolean }) =>
      runAuditedCommand(program, io, withStore, {
        action: "schedule.create",
        target: name,
        perform: async (store, actor) => {
          const created = await schedulesOf(store).createSchedule(
            {
              name,
              timing: timingOf(opts) ?? {},
              task: {
                type,
                ...(opts.params !== undefined ? { params: opts.params } : {}),
                ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
              },
              ...(opts.catchUp ? { catchUp: opts.catchUp } : {}),
              ...(opts.catchUpMax ? { catchUpMax: opts.catchUpMax } : {}),
              paused: opts.paused ?? false,
            },
            actor,
          );
          return { ...created, nextRun: nextRuns(created, await store.now(), 1)[0] ?? null };
        },
        describe: (created) =>
          `created schedule ${created.name} (${describeTiming(created)})${created.nextRun ? `, next run ${new Date(created.nextRun).toISOString()}` : ", paused"}`,
      }),
    );

  schedule
    .command("list")
    .description("schedules with their status, next runs and last slot's task")
    .action(() =>
      withStore(program.opts(), async (store) => {
        const schedules = schedulesOf(store);
        const now = await store.now();
        const rows = await Promise.all(
          (await schedules.listSchedules()).map(async (s) => ({
            ...s,
            nextRuns: nextRuns(s, now, 3),
            lastRun: (await schedules.listScheduleRuns(s.id, 1))[0] ?? null,
          })),
        );
        emit(io, program.opts(), rows, () =>
          rows.length === 0
            ? "no schedules"
            : formatTable(
                ["NAME", "TIMING", "TYPE", "STATUS", "CATCH-UP", "NEXT RUN", "LAST SLOT → TASK"],
                rows.map((s) => [
                  s.name,
                  describeTiming(s),
                  s.task.type,
                  s.paused ? "paused" : "active",
                  s.catchUp === "all" ? `all (≤ ${s.catchUpMax})` : s.catchUp,
                  s.nextRuns[0] ? new Date(s.nextRuns[0]).toISOString() : "-",
                  s.lastRun ? `${new Date(s.lastRun.slotAt).toISOString()} → ${s.lastRun.taskId}` : "-",
                ]),
              ),
        );
      }),
    );

  for (const [verb, paused] of [
    ["pause", true],
    ["resume", false],
  ] as const) {
    schedule
      .command(`${verb} <name>`)
      .description(paused ? "stop firing it (missed slots are never fired later)" : "fire it again from the next slot")
      .action((name: string) =>
        runAuditedCommand(program, io, withStore, {
          action: `schedule.${verb}`,
          target: name,
          before: (store) => schedulesOf(store).getSchedule(name),
          perform: (store, actor) => schedulesOf(store).editSchedule(name, { paused }, actor),
          describe: (done) => `${paused ? "paused" : "resumed"} schedule ${done.name}`,
        }),
      );
  }

  withTimingOptions(schedule.command("edit <name>"))
    .description("change a schedule's timing, task parameters, priority or catch-up policy")
    .action((name: string, opts: TemplateOptions) =>
      runAuditedCommand(program, io, withStore, {
        action: "schedule.edit",
        target: name,
        before: (store) => schedulesOf(store).getSchedule(name),
        perform: async (store, actor) => {
          const schedules = schedulesOf(store);
          const current = await schedules.getSchedule(name);
          if (!current) throw new NotFoundError("schedule", name);
          const timing = timingOf(opts);
          const task =
            opts.params !== undefined || opts.priority !== undefined
              ? {
                  ...current.task,
                  ...(opts.params !== undefined ? { params: opts.params } : {}),
                  ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
                }
              : undefined;
          return schedules.editSchedule(
            name,
            {
              ...(timing ? { timing } : {}),
              ...(task ? { task } : {}),
              ...(opts.catchUp ? { catchUp: opts.catchUp } : {}),
              ...(opts.catchUpMax ? { catchUpMax: opts.catchUpMax } : {}),
            },
            actor,
          );
        },
        describe: (edited) => `edited schedule ${edited.name} (${describeTiming(edited)})`,
      }),
    );

  schedule
    .command("delete <name>")
    .description("delete a schedule (the tasks it created stay)")
    .action((name: string) =>
      runAuditedCommand(program, io, withStore, {
        action: "schedule.delete",
        target: name,
        before: (store) => schedulesOf(store).getSchedule(name),
        perform: async (store, actor) => {
          const deleted = await schedulesOf(store).deleteSchedule(name, actor);
          if (!deleted) throw new NotFoundError("schedule", name);
          return { deleted };
        },
        describe: () => `deleted schedule ${name}`,
      }),
    );

  schedule
    .command("runs <name>")
    .description("what each slot created: slot time → task id, newest first")
    .option("--limit <n>", "at most this many (1..1000)", intOption("--limit", 1, 1000), 20)
    .action((name: string, opts: { limit: number }) =>
      withStore(program.opts(), async (store) => {
        const schedules = schedulesOf(store);
        const found = await schedules.getSchedule(name);
        if (!found) throw new NotFoundError("schedule", name);
        const runs = await schedules.listScheduleRuns(found.id, opts.limit);
        emit(io, program.opts(), runs, () =>
          runs.length === 0
            ? `schedule ${found.name} has fired no slot yet`
            : formatTable(
                ["SLOT", "TASK", "FIRED BY"],
                runs.map((r) => [new Date(r.slotAt).toISOString(), r.taskId, r.firedBy]),
              ),
        );
      }),
    );
}
