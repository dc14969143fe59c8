import { assertAttemptFence } from "../../domain/fencing.js";
import {
  emptyTaskLog,
  keepNewest,
  parseTaskLogBatch,
  type TaskLog,
  type TaskLogBatch,
  type TaskLogLine,
} from "../../domain/task-log.js";
import { NotFoundError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { tokenSchema } from "../port-schemas.js";
import type { GithubContext } from "./github-context.js";
import type { LogRecord } from "./records/record-schemas.js";
import type { StoredRecord } from "./repo-mirror.js";
import { ClaimQueue } from "./tasks/claim-queue.js";
import type { TaskReader } from "./tasks/task-reader.js";

/** Encoded size a log payload may reach: GitHub's body limit less the envelope and the human line. */
const LOG_PAYLOAD_CHARS = 56_000;

/**
 * Task progress and logs on GitHub: each attempt has one Logs comment on its task's issue,
 * posted at its first flush and PATCHed at later ones (signed like every record; `rev` makes
 * our newest version win over a lagging read). Flushes come at most every `taskLogFlushMs`
 * from the worker, and only from tasks that log: a task that never calls `ctx.progress` /
 * `ctx.log` costs no write here. The fence is checked against the mirror (no request): a log
 * line is not worth a read, and the attempt's own outcome write is fenced fresh anyway.
 */
export class TaskLogs {
  private readonly own = new Map<number, StoredRecord<LogRecord>>();
  private readonly queue = new ClaimQueue();

  constructor(
    private readonly ctx: GithubContext,
    private readonly reader: TaskReader,
  ) {}

  async append(taskId: string, token: number, batch: TaskLogBatch): Promise<void> {
    parseOrThrow(tokenSchema, token, "token");
    const checked = parseTaskLogBatch(batch);
    return this.queue.run(token, () => this.appendNow(taskId, token, checked));
  }

  private async appendNow(taskId: string, token: number, batch: TaskLogBatch): Promise<void> {
    const issue = this.reader.issueOf(taskId);
    if (issue === null) throw new NotFoundError("task", taskId);
    const { task, lockSeq } = this.reader.refoldView(taskId);
    assertAttemptFence({
      taskId: task.id,
      token,
      lockToken: lockSeq,
      state: task.state,
      attemptToken: task.fencingToken,
      target: "log written",
    });
    const at = this.ctx.now();
    const stored = this.own.get(token);
    const previous: LogRecord = stored?.record ?? {
      k: "log",
      n: this.ctx.nonce(),
      at,
      ev: [],
      token,
      attempt: task.attempts,
      worker: task.workerId ?? "unknown",
      rev: 0,
      progress: null,
      lines: [],
      dropped: 0,
    };
    const added = batch.lines.map((line) => ({
      at,
      l: line.level,
      m: line.message,
      ...(line.fields ? { f: line.fields } : {}),
    }));
    const next = fitPayload({
      ...previous,
      at,
      rev: previous.rev + 1,
      progress: batch.progress ? { f: batch.progress.fraction, m: batch.progress.message, at } : previous.progress,
      ...rotate([...previous.lines, ...added], previous.dropped + (batch.dropped ?? 0), task.attempts),
    });
    const human = humanLine(next);
    const written = stored ? await this.ctx.patch(stored, next, [], human) : await this.ctx.post(issue, next, human);
    this.own.set(token, written);
  }

  async get(taskId: string): Promise<TaskLog | null> {
    const issue = this.reader.issueOf(taskId) ?? (await this.reader.load(taskId))?.source.issueNumber ?? null;
    if (issue === null) return null;
    await this.ctx.mirror.refreshIfStale();
    const taskIdKnown = this.reader.refold(taskId).id;
    const byToken = new Map<number, StoredRecord<LogRecord>>();
    for (const stored of this.ctx.mirror.recordsOf(issue)) {
      if (stored.record.k !== "log") continue;
      const record = stored as StoredRecord<LogRecord>;
      // A POST retried after a 5xx leaves two comments for one attempt: the newest version counts.
      const seen = byToken.get(record.record.token);
      if (!seen || seen.record.rev < record.record.rev) byToken.set(record.record.token, record);
    }
    if (byToken.size === 0) return emptyTaskLog(taskIdKnown);
    const attempts = [...byToken.values()].sort((a, b) => a.record.token - b.record.token);
    const lines: TaskLogLine[] = [];
    let dropped = 0;
    let progress: TaskLog["progress"] = null;
    let updatedAt = 0;
    for (const { record } of attempts) {
      dropped += record.dropped;
      for (const line of record.lines)
        lines.push({
          at: line.at,
          attempt: record.attempt,
          level: line.l,
          message: line.m,
          ...(line.f ? { fields: line.f } : {}),
        });
      if (record.progress)
        progress = {
          fraction: record.progress.f,
          message: record.progress.m,
          at: record.progress.at,
          attempt: record.attempt,
        };
      updatedAt = Math.max(updatedAt, record.at);
    }
    const kept = keepNewest(lines);
    return { taskId: taskIdKnown, progress, lines: kept.kept, dropped: dropped + kept.dropped, updatedAt };
  }
}

function rotate(
  lines: LogRecord["lines"],
  dropped: number,
  attempt: number,
): { lines: LogRecord["lines"]; dropped: number } {
  const asLines = lines.map((line) => ({
    at: line.at,
    attempt,
    level: line.l,
    message: line.m,
    ...(line.f ? { fields: line.f } : {}),
  }));
  const kept = keepNewest(asLines);
  return { lines: lines.slice(kept.dropped), dropped: dropped + kept.dropped };
}

/** Drop the oldest lines until the payload fits one comment once escaped (`<`/`>` become six characters). */
function fitPayload(record: LogRecord): LogRecord {
  let next = record;
  while (next.lines.length > 0 && encodedChars(next) > LOG_PAYLOAD_CHARS) {
    const cut = Math.max(1, Math.floor(next.lines.length / 10));
    next = { ...next, lines: next.lines.slice(cut), dropped: next.dropped + cut };
  }
  return next;
}

function encodedChars(record: LogRecord): number {
  const json = JSON.stringify(record);
  return json.length + 5 * (json.match(/[<>]/g)?.length ?? 0);
}

/** The readable part says how far the attempt got, never what it logged (a line could @mention someone). */
function humanLine(record: LogRecord): string {
  const progress = record.progress ? ` · ${Math.round(record.progress.f * 100)} %` : "";
  return `sentinel: log of attempt ${record.attempt}${progress} (${record.lines.length} lines kept)`;
}
