import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ArchivedTask, TaskArchiveSink } from "../domain/task-retention.js";

/** The archive file a purge at `purgedAt` appends to: one JSON Lines file per UTC day. */
function archiveFileOf(dir: string, purgedAt: number): string {
  return join(dir, `tasks-${new Date(purgedAt).toISOString().slice(0, 10)}.jsonl`);
}

/**
 * Appends each purged batch to `<dir>/tasks-<day>.jsonl`, one ArchivedTask per line, and
 * fsyncs before returning: the purge deletes only after this returns, so a task is on disk
 * before it leaves the store. Synchronous because the purge calls it inside its write
 * transaction (a batch is at most MAX_PURGE_BATCH tasks, each bounded by the store's limits).
 */
export function fileTaskArchive(dir: string): TaskArchiveSink {
  return (batch: readonly ArchivedTask[]) => {
    const first = batch[0];
    if (!first) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const bytes = Buffer.from(batch.map((entry) => `${JSON.stringify(entry)}\n`).join(""));
    const fd = openSync(archiveFileOf(dir, first.purgedAt), "a", 0o600);
    try {
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };
}
