import { z } from "zod";
import type { StoreEvent } from "./events.js";
import type { Task } from "./task.js";
import type { TaskLog } from "./task-log.js";

/** Most tasks one purge call may take: one write transaction, its archive lines written inside it. */
export const MAX_PURGE_BATCH = 1000;

/**
 * What a monitor round takes per purge: the batch holds the database's write lock while it
 * reads, archives (one fsync) and deletes: 18 ms p50, 74 ms at most for 250 tasks on a quiet
 * 2-core machine (`pnpm bench --only retention`), so claims and completions wait no longer.
 */
export const PURGE_BATCH = 250;

/** How long one round keeps purging, batch after batch, before it leaves the rest to the next. */
export const PURGE_ROUND_MS = 2000;

/** Pause between two batches of a round, so writers that queued behind one get the lock first. */
export const PURGE_PAUSE_MS = 10;

/**
 * Which finished tasks (succeeded, dead, cancelled) a store may delete: those finished before
 * `finishedBefore`, and those beyond the `keepNewest` most recently finished; null leaves that
 * bound out, and with both null nothing goes. A finished task that an unfinished one depends
 * on stays until its dependent ends (it decides whether the dependent may run).
 */
export const purgeFinishedTasksSchema = z.object({
  finishedBefore: z.number().int().nullable(),
  keepNewest: z.number().int().min(0).nullable(),
  limit: z.number().int().min(1).max(MAX_PURGE_BATCH),
});
export type PurgeFinishedTasksRequest = z.infer<typeof purgeFinishedTasksSchema>;

/** One purged task as written to the archive: all a store held about it. */
export interface ArchivedTask {
  /** Store-clock time of the purge. */
  purgedAt: number;
  task: Task;
  /** Its events, oldest first. */
  events: StoreEvent[];
  /** Its kept log lines and last progress, if it logged any. */
  log: TaskLog | null;
}

/**
 * Receives each batch inside the purge, before anything is deleted; if it throws, the purge is
 * rolled back and nothing is lost. So an archive line exists for every purged task (a crash
 * between the write and the commit can leave a line for a task that is still there, and purged
 * again later: readers of the archive keep the last line per task id).
 */
export type TaskArchiveSink = (batch: readonly ArchivedTask[]) => void;
