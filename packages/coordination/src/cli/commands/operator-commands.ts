import type { Command } from "commander";
import { NotFoundError } from "../../errors.js";
import { TaskQueue } from "../../queue/task-queue.js";
import { WorkerRegistry } from "../../registry/worker-registry.js";
import type { CoordinationStore } from "../../store/port.js";
import { auditedCli } from "../cli-audit.js";
import { type CliIo, cliActor, emit, type GlobalOptions } from "../cli-context.js";

type WithStore = (global: GlobalOptions, fn: (store: CoordinationStore) => Promise<void>) => Promise<void>;

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
      withStore(program.opts(), async (store) => {
        const global = program.opts<GlobalOptions>();
        const worker = await auditedCli(
          io,
          global,
          store,
          { action: "worker.drain", target: workerId, before: () => store.getWorker(workerId) },
          () => new WorkerRegistry(store).drain(workerId, cliActor(global)),
        );
        emit(io, global, worker, () => `draining ${worker.id} (state ${worker.state})`);
      }),
    );

  program
    .command("undrain <worker>")
    .description("a draining worker takes new tasks again")
    .action((workerId: string) =>
      withStore(program.opts(), async (store) => {
        const global = program.opts<GlobalOptions>();
        const worker = await auditedCli(
          io,
          global,
          store,
          { action: "worker.resume", target: workerId, before: () => store.getWorker(workerId) },
          () => new WorkerRegistry(store).resume(workerId, cliActor(global)),
        );
        emit(io, global, worker, () => `resumed ${worker.id} (state ${worker.state})`);
      }),
    );

  program
    .command("reassign <task>")
    .description("requeue a task for a chosen worker (--to) or for any eligible one")
    .option("--to <worker>", "only this worker may run it")
    .action((taskId: string, opts: { to?: string }) =>
      withStore(program.opts(), async (store) => {
        const global = program.opts<GlobalOptions>();
        const task = await auditedCli(
          io,
          global,
          store,
          { action: "task.reassign", target: taskId, before: () => store.getTask(taskId) },
          () => new TaskQueue(store).reassign(taskId, opts.to ?? null, cliActor(global)),
        );
        emit(io, global, task, () => `reassigned ${task.id} to ${task.pinnedWorkerId ?? "any worker"}`);
      }),
    );

  const lock = program.command("lock").description("act on task locks");
  lock
    .command("release <task>")
    .description("release the task's lock whoever holds it (the holder's fencing token goes stale)")
    .option("--reason <text>", "recorded with the release", "operator force-released the lock from the CLI")
    .action((taskId: string, opts: { reason: string }) =>
      withStore(program.opts(), async (store) => {
        const global = program.opts<GlobalOptions>();
        const released = await auditedCli(
          io,
          global,
          store,
          { action: "lock.force_release", target: taskId, before: () => store.getLock(taskId) },
          async () => {
            const lock = await store.forceReleaseLock(taskId, { actor: cliActor(global), reason: opts.reason });
            if (!lock) throw new NotFoundError("lock", taskId);
            return lock;
          },
        );
        emit(io, global, released, () => `released the lock of ${taskId} (held by ${released.ownerId})`);
      }),
    );
}
