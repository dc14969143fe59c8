import type { Command } from "commander";
import { NotFoundError } from "../../errors.js";
import { TaskQueue } from "../../queue/task-queue.js";
import { WorkerRegistry } from "../../registry/worker-registry.js";
import { runAuditedCommand, type WithStore } from "../cli-audit.js";
import type { CliIo } from "../cli-context.js";

/**
 * The dashboard's worker, task and lock actions from a terminal: the same services and store
 * calls (WorkerRegistry.drain/resume, TaskQueue.reassign, forceReleaseLock), so the same
 * rules apply, and each is audited like the dashboard's.
 */
export function registerOperatorCommands(program: Command, io: CliIo, withStore: WithStore): void {
  program
    .command("drain <worker>")
    .description("the worker finishes its running tasks and takes no new ones")
    .action((workerId: string) =>
      runAuditedCommand(program, io, withStore, {
        action: "worker.drain",
        target: workerId,
        before: (store) => store.getWorker(workerId),
        perform: (store, actor) => new WorkerRegistry(store).drain(workerId, actor),
        describe: (worker) => `draining ${worker.id} (state ${worker.state})`,
      }),
    );

  program
    .command("undrain <worker>")
    .description("a draining worker takes new tasks again")
    .action((workerId: string) =>
      runAuditedCommand(program, io, withStore, {
        action: "worker.resume",
        target: workerId,
        before: (store) => store.getWorker(workerId),
        perform: (store, actor) => new WorkerRegistry(store).resume(workerId, actor),
        describe: (worker) => `resumed ${worker.id} (state ${worker.state})`,
      }),
    );

  program
    .command("reassign <task>")
    .description("requeue a task for a chosen worker (--to) or for any eligible one")
    .option("--to <worker>", "only this worker may run it")
    .action((taskId: string, opts: { to?: string }) =>
      runAuditedCommand(program, io, withStore, {
        action: "task.reassign",
        target: taskId,
        before: (store) => store.getTask(taskId),
        perform: (store, actor) => new TaskQueue(store).reassign(taskId, opts.to ?? null, actor),
        describe: (task) => `reassigned ${task.id} to ${task.pinnedWorkerId ?? "any worker"}`,
      }),
    );

  const lock = program.command("lock").description("act on task locks");
  lock
    .command("release <task>")
    .description("release the task's lock whoever holds it (the holder's fencing token goes stale)")
    .option("--reason <text>", "recorded with the release", "operator force-released the lock from the CLI")
    .action((taskId: string, opts: { reason: string }) =>
      runAuditedCommand(program, io, withStore, {
        action: "lock.force_release",
        target: taskId,
        before: (store) => store.getLock(taskId),
        perform: async (store, actor) => {
          const released = await store.forceReleaseLock(taskId, { actor, reason: opts.reason });
          if (!released) throw new NotFoundError("lock", taskId);
          return released;
        },
        describe: (released) => `released the lock of ${taskId} (held by ${released.ownerId})`,
      }),
    );
}
