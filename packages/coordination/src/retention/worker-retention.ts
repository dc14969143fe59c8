import type { WorkerConfig } from "../config/load-worker-config.js";
import type { TaskRetention } from "../heartbeat/heartbeat-monitor.js";
import type { CoordinationStore } from "../store/port.js";
import { SqliteStore } from "../store/sqlite/store.js";
import { fileTaskArchive } from "./task-archive.js";

/**
 * The retention a worker's monitor applies, from its config: none when the store cannot purge
 * (GitHub), when both bounds are off, or when there is nowhere to archive to (a store other
 * than SQLite with no `retention.archiveDir`): nothing is deleted that is not archived first.
 */
export function workerTaskRetention(
  config: WorkerConfig["retention"],
  store: CoordinationStore,
): (TaskRetention & { archiveDir: string }) | undefined {
  const { finishedTasksMs, keepFinishedTasks } = config;
  if (!store.purgeFinishedTasks || (finishedTasksMs === 0 && keepFinishedTasks === 0)) return undefined;
  const archiveDir = config.archiveDir ?? (store instanceof SqliteStore ? `${store.path}.archive` : null);
  if (archiveDir === null) return undefined;
  return {
    finishedForMs: finishedTasksMs === 0 ? null : finishedTasksMs,
    keepNewest: keepFinishedTasks === 0 ? null : keepFinishedTasks,
    archive: fileTaskArchive(archiveDir),
    archiveDir,
  };
}
