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
import { PAYLOAD_LIMIT } from "./records/limits.js";
import type { LogPart, LogRecord } from "./records/record-schemas.js";
import type { StoredRecord } from "./repo-mirror.js";
import { ClaimQueue } from "./tasks/claim-queue.js";
import type { TaskReader } from "./tasks/task-reader.js";

/** Final logs held for outcomes not yet written: far more than a worker runs at once. */
const MAX_HELD = 1000;
/** Encoded size a Logs comment's payload may reach: GitHub's body limit less the envelope and the human line. */
const LOG_PAYLOAD_CHARS = 56_000;

/**
 * Task progress and logs on GitHub (docs/github-backend.md, _Task logs_). An attempt's log
 * costs a write only when it has to: its final batch (the flush right before its outcome)
 * is held here and rides in the claim's outcome PATCH (`heldFinal`), so an attempt that ends
 * before its first periodic flush logs for free. One that runs longer gets a Logs comment on
 * the task's issue, posted at its first periodic flush and PATCHed at later ones and at the
 * end (`rev` makes our newest version win over a lagging read). Signed like every record.
 * The fence is checked against the mirror (no request): a log line is not worth a read, and
 * the attempt's outcome is fenced on a fresh read anyway.
 */
export class TaskLogs {
  private readonly own = new Map<number, StoredRecord<LogRecord>>();
  private readonly held = new Map<number, LogPart>();
  private readonly queue = new ClaimQueue();

  constructor(
    private readonly ctx: GithubContext,
    private readonly reader: TaskReader,
  ) {}

  async append(taskId: string, token: number, batch: TaskLogBatch, final: boolean): Promise<void> {
    parseOrThrow(tokenSchema, token, "token");
    const checked = parseTaskLogBatch(batch);
    return this.queue.run(token, () => this.appendNow(taskId, token, checked, final));
  }

  /** The attempt's held final log, for its outcome PATCH. */
  heldFinal(token: number): LogPart | undefined {
    return this.held.get(token);
  }

  /** The attempt ended (its outcome written, or refused): nothing more is held for it. */
  forget(token: number): void {
    this.held.delete(token);
    this.own.delete(token);
  }

  private async appendNow(taskId: string, token: number, batch: TaskLogBatch, final: boolean): Promise<void> {
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
    const previous: LogPart = stored?.record ??
      this.held.get(token) ?? {
        attempt: task.attempts,
        worker: task.workerId ?? "unknown",
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
    const part = rotate({
      attempt: previous.attempt,
      worker: previous.worker,
      progress: batch.progress ? { f: batch.progress.fraction, m: batch.progress.message, at } : previous.progress,
      lines: [...previous.lines, ...added],
      dropped: previous.dropped + (batch.dropped ?? 0),
    });
    if (final && !stored) {
      this.held.set(token, part);
      // An outcome refused before it is written (a stale token) never collects its log: keep the map bounded.
      if (this.held.size > MAX_HELD) this.held.delete(this.held.keys().next().value as number);
      return;
    }
    const next: LogRecord = fitInto(
      {
        k: "log",
        n: stored?.record.n ?? this.ctx.nonce(),
        at,
        ev: stored?.record.ev ?? [],
        token,
        rev: (stored?.record.rev ?? 0) + 1,
        ...part,
      },
      LOG_PAYLOAD_CHARS,
    );
    const human = humanLine(next);
    const written = stored ? await this.ctx.patch(stored, next, [], human) : await this.ctx.post(issue, next, human);
    this.own.set(token, written);
  }

  async get(taskId: string): Promise<TaskLog | null> {
    const issue = this.reader.issueOf(taskId) ?? (await this.reader.load(taskId))?.source.issueNumber ?? null;
    if (issue === null) return null;
    await this.ctx.mirror.refreshIfStale();
    const id = this.reader.refold(taskId).id;
    // Per attempt (token): its Logs comment's newest version (a POST retried after a 5xx may
    // leave two), or the log its claim carried into its outcome.
    const byToken = new Map<number, { part: LogPart; rev: number; at: number }>();
    for (const stored of this.ctx.mirror.recordsOf(issue)) {
      const { record } = stored;
      if (record.k === "log") {
        const seen = byToken.get(record.token);
        if (!seen || seen.rev < record.rev) byToken.set(record.token, { part: record, rev: record.rev, at: record.at });
      } else if (record.k === "claim" && record.log) {
        byToken.set(stored.id, { part: record.log, rev: Number.MAX_SAFE_INTEGER, at: record.end?.at ?? record.at });
      }
    }
    if (byToken.size === 0) return emptyTaskLog(id);
    const lines: TaskLogLine[] = [];
    let dropped = 0;
    let progress: TaskLog["progress"] = null;
    let updatedAt = 0;
    for (const [, { part, at }] of [...byToken.entries()].sort(([a], [b]) => a - b)) {
      dropped += part.dropped;
      for (const line of part.lines) lines.push(toLine(line, part.attempt));
      if (part.progress)
        progress = { fraction: part.progress.f, message: part.progress.m, at: part.progress.at, attempt: part.attempt };
      updatedAt = Math.max(updatedAt, at);
    }
    const kept = keepNewest(lines);
    return { taskId: id, progress, lines: kept.kept, dropped: dropped + kept.dropped, updatedAt };
  }
}

function toLine(line: LogPart["lines"][number], attempt: number): TaskLogLine {
  return { at: line.at, attempt, level: line.l, message: line.m, ...(line.f ? { fields: line.f } : {}) };
}

/** Rotation to the limits every backend keeps (domain/task-log.ts). */
function rotate(part: LogPart): LogPart {
  const kept = keepNewest(part.lines.map((line) => toLine(line, part.attempt)));
  return { ...part, lines: part.lines.slice(kept.dropped), dropped: part.dropped + kept.dropped };
}

/**
 * Drop the oldest lines until `record` fits `maxChars` once encoded (`<`/`>` become six
 * characters). Also used for a claim's outcome PATCH, whose result takes its share first.
 */
export function fitInto<R extends { lines: LogPart["lines"]; dropped: number }>(record: R, maxChars: number): R {
  let next = record;
  while (next.lines.length > 0 && encodedChars(next) > maxChars) {
    const cut = Math.max(1, Math.floor(next.lines.length / 10));
    next = { ...next, lines: next.lines.slice(cut), dropped: next.dropped + cut };
  }
  return next;
}

export function encodedChars(value: unknown): number {
  const json = JSON.stringify(value);
  return json.length + 5 * (json.match(/[<>]/g)?.length ?? 0);
}

/** What a claim's outcome record may spend on its log: the room its other fields leave. */
export function claimLogRoom(claimWithoutLog: unknown): number {
  return PAYLOAD_LIMIT - 4_000 - encodedChars(claimWithoutLog);
}

/** The readable part says how far the attempt got, never what it logged (a line could @mention someone). */
function humanLine(record: LogRecord): string {
  const progress = record.progress ? ` · ${Math.round(record.progress.f * 100)} %` : "";
  return `sentinel: log of attempt ${record.attempt}${progress} (${record.lines.length} lines kept)`;
}
