import type { Command } from "commander";
import { isTerminal } from "../../domain/task.js";
import type { TaskLog, TaskLogLine } from "../../domain/task-log.js";
import { NotFoundError } from "../../errors.js";
import type { CoordinationStore } from "../../store/port.js";
import type { WithStore } from "../cli-audit.js";
import type { CliIo, GlobalOptions } from "../cli-context.js";
import { intOption } from "../parse-args.js";

/** Lines the task has had written, kept or rotated out: the position a follower has reached. */
function linesWritten(log: TaskLog): number {
  return log.dropped + log.lines.length;
}

function formatLine(line: TaskLogLine): string {
  const fields = line.fields && Object.keys(line.fields).length > 0 ? ` ${JSON.stringify(line.fields)}` : "";
  return `${new Date(line.at).toISOString()} #${line.attempt} ${line.level.padEnd(5)} ${line.message}${fields}`;
}

function formatProgress(log: TaskLog): string | null {
  if (!log.progress) return null;
  const { fraction, message } = log.progress;
  return `progress ${Math.round(fraction * 100)} %${message ? ` ${message}` : ""}`;
}

/**
 * `sentinel task logs <id>`: a task's progress and kept log lines (domain/task-log.ts), as
 * the task detail page shows them; `--follow` prints new lines as the running attempt
 * flushes them, until the task finishes.
 */
export function registerTaskLogCommand(task: Command, program: Command, io: CliIo, withStore: WithStore): void {
  task
    .command("logs <id>")
    .description("a task's progress and log lines (the newest kept); --follow prints new ones until it finishes")
    .option("--tail <n>", "only the last n lines (1..10000)", intOption("--tail", 1, 10_000))
    .option("--follow", "keep printing new lines until the task finishes")
    .action((id: string, opts: { tail?: number; follow?: boolean }) =>
      withStore(program.opts(), async (store) => {
        const global: GlobalOptions = program.opts();
        const first = await store.getTask(id);
        if (!first) throw new NotFoundError("task", id);
        const log = (await store.getTaskLog(id)) ?? {
          taskId: id,
          progress: null,
          lines: [],
          dropped: 0,
          updatedAt: null,
        };
        const shown = opts.tail === undefined ? log.lines : log.lines.slice(-opts.tail);
        if (global.json && !opts.follow) {
          io.out(JSON.stringify({ ...log, lines: shown }, null, 2));
          return;
        }
        const print = (line: TaskLogLine) => io.out(global.json ? JSON.stringify(line) : formatLine(line));
        if (!global.json && log.dropped > 0) io.out(`(${log.dropped} older lines rotated out)`);
        shown.forEach(print);
        if (!opts.follow) {
          const progress = formatProgress(log);
          if (progress && !global.json) io.out(progress);
          return;
        }
        await follow(store, id, log, print, io, global);
      }),
    );
}

/**
 * Polls the store at the pace attempts flush their logs (store.taskLogFlushMs): a follower
 * cannot see lines sooner than the worker hands them over. Ends once the task is finished
 * and a last read found nothing new (a final flush lands before the task's outcome).
 */
async function follow(
  store: CoordinationStore,
  id: string,
  start: TaskLog,
  print: (line: TaskLogLine) => void,
  io: CliIo,
  global: GlobalOptions,
): Promise<void> {
  let written = linesWritten(start);
  let progress = formatProgress(start);
  for (;;) {
    const task = await store.getTask(id);
    const finished = task === null || isTerminal(task.state);
    const log = await store.getTaskLog(id);
    if (log) {
      const fresh = linesWritten(log) - written;
      if (fresh > log.lines.length) io.out(`(${fresh - log.lines.length} lines rotated out before they were read)`);
      log.lines.slice(Math.max(0, log.lines.length - fresh)).forEach(print);
      written = linesWritten(log);
      const now = formatProgress(log);
      if (now !== progress && now && !global.json) io.out(now);
      progress = now;
    }
    if (finished) {
      if (!global.json) io.out(`task ${id} ${task?.state ?? "is gone"}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, store.taskLogFlushMs));
  }
}
