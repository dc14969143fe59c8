import type { Command } from "commander";
import { isLeaseLive, type WorkerRecord } from "../../domain/worker.js";
import { isSilentPastLease } from "../../domain/worker-rules.js";
import type { WithStore } from "../cli-audit.js";
import { type CliIo, emit } from "../cli-context.js";
import { formatDuration, formatTable } from "../format-table.js";

/** A worker's heartbeat health by the store's clock (`sentinel workers` / `sentinel heartbeats`). */
export interface HeartbeatView {
  workerId: string;
  state: WorkerRecord["state"];
  lastHeartbeatAt: number;
  heartbeatAgeMs: number;
  leaseMs: number;
  leaseLive: boolean;
  /** Silent past its lease but not yet marked STALE by a monitor. */
  staleCandidate: boolean;
}

export function viewHeartbeat(w: WorkerRecord, now: number): HeartbeatView {
  const leaseLive = isLeaseLive(w, now);
  return {
    workerId: w.id,
    state: w.state,
    lastHeartbeatAt: w.lastHeartbeatAt,
    heartbeatAgeMs: now - w.lastHeartbeatAt,
    leaseMs: w.leaseMs,
    leaseLive,
    staleCandidate: isSilentPastLease(w, now),
  };
}

export function registerClusterCommands(program: Command, io: CliIo, withStore: WithStore): void {
  program
    .command("workers")
    .description("registered workers: state, capacity, last heartbeat age (store clock)")
    .option("--all", "include REMOVED workers")
    .action((opts: { all?: boolean }) =>
      withStore(program.opts(), async (store) => {
        const [workers, now] = await Promise.all([
          store.listWorkers({ includeRemoved: Boolean(opts.all) }),
          store.now(),
        ]);
        const rows = workers.map((w) => ({
          ...w,
          heartbeatAgeMs: now - w.lastHeartbeatAt,
          leaseLive: isLeaseLive(w, now),
        }));
        emit(io, program.opts(), rows, () =>
          formatTable(
            ["WORKER", "STATE", "TASKS", "TYPES", "LAST HEARTBEAT", "LEASE", "HOST"],
            rows.map((w) => [
              w.id,
              w.state + (w.drainRequested && w.state !== "DRAINING" ? " (drain requested)" : ""),
              `${w.activeTasks}/${w.maxConcurrency}`,
              w.supportedTaskTypes.join(","),
              `${formatDuration(w.heartbeatAgeMs)} ago`,
              w.leaseLive ? "live" : "expired",
              `${w.hostname}:${w.pid}`,
            ]),
          ),
        );
      }),
    );

  program
    .command("locks")
    .description("live task locks: owner, fencing token, age, expiry (store clock)")
    .action(() =>
      withStore(program.opts(), async (store) => {
        const [locks, now] = await Promise.all([store.listLocks(), store.now()]);
        const rows = locks.map((l) => ({ ...l, ageMs: now - l.acquiredAt, expiresInMs: l.expiresAt - now }));
        emit(io, program.opts(), rows, () =>
          formatTable(
            ["TASK", "TYPE", "OWNER", "TOKEN", "AGE", "EXPIRES IN"],
            rows.map((l) => [
              l.taskId,
              l.metadata.taskType,
              l.ownerId,
              l.token,
              formatDuration(l.ageMs),
              formatDuration(l.expiresInMs),
            ]),
          ),
        );
      }),
    );

  program
    .command("heartbeats")
    .description("each worker's last heartbeat and lease, flagging STALE candidates")
    .action(() =>
      withStore(program.opts(), async (store) => {
        const [workers, now] = await Promise.all([store.listWorkers(), store.now()]);
        const rows = workers.map((w) => viewHeartbeat(w, now));
        emit(io, program.opts(), rows, () =>
          formatTable(
            ["WORKER", "STATE", "LAST HEARTBEAT", "LEASE", "STATUS"],
            rows.map((r) => [
              r.workerId,
              r.state,
              `${formatDuration(r.heartbeatAgeMs)} ago`,
              formatDuration(r.leaseMs),
              r.staleCandidate ? "STALE CANDIDATE" : r.leaseLive ? "ok" : r.state,
            ]),
          ),
        );
      }),
    );

  program
    .command("stale")
    .description("workers that are STALE or OFFLINE, or silent past their lease")
    .action(() =>
      withStore(program.opts(), async (store) => {
        const [workers, now] = await Promise.all([store.listWorkers(), store.now()]);
        const rows = workers
          .map((w) => viewHeartbeat(w, now))
          .filter((r) => r.staleCandidate || r.state === "STALE" || r.state === "OFFLINE");
        emit(io, program.opts(), rows, () =>
          formatTable(
            ["WORKER", "STATE", "SILENT FOR", "LEASE"],
            rows.map((r) => [
              r.workerId,
              r.staleCandidate ? `${r.state} (stale candidate)` : r.state,
              formatDuration(r.heartbeatAgeMs),
              formatDuration(r.leaseMs),
            ]),
          ),
        );
      }),
    );
}
