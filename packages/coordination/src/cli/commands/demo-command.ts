import type { Command } from "commander";
import type { NewTask } from "../../domain/task.js";
import { newTaskSchema } from "../../domain/task.js";
import { runAuditedCommand, type WithStore } from "../cli-audit.js";
import type { CliIo } from "../cli-context.js";
import { intOption } from "../parse-args.js";

/** Demo tasks for the zero-config worker's built-in handlers: mostly quick, some slow, a few failing. */
export function demoTask(i: number, random: () => number = Math.random): NewTask {
  const roll = random();
  const base = {
    priority: Math.floor(random() * 5),
    maxAttempts: 3,
    timeoutMs: 60_000,
    delayMs: 0,
    pinnedWorkerId: null,
    affinityKey: null,
    title: `demo #${i + 1}`,
  };
  if (roll < 0.35) return newTaskSchema.parse({ ...base, type: "echo", params: { n: i, note: "hello from the demo" } });
  if (roll < 0.65)
    return newTaskSchema.parse({ ...base, type: "sleep", params: { ms: 200 + Math.floor(random() * 2800) } });
  if (roll < 0.9) return newTaskSchema.parse({ ...base, type: "noop", params: {} });
  return newTaskSchema.parse({
    ...base,
    type: "fail",
    params: { message: "demo failure (retries with backoff, then dead)" },
  });
}

export function registerDemoCommand(program: Command, io: CliIo, withStore: WithStore): void {
  program
    .command("demo")
    .description("queue demo tasks of mixed types (echo, sleep, noop, fail)")
    .option("--count <n>", "how many (1..10000)", intOption("--count", 1, 10_000), 20)
    .action((opts: { count: number }) =>
      // One audit record for the batch (its "after" keeps the count), not one per task.
      runAuditedCommand(program, io, withStore, {
        action: "task.demo",
        target: "demo",
        perform: async (store, actor) => {
          const created = [];
          for (let i = 0; i < opts.count; i++) created.push(await store.createTask(demoTask(i), actor));
          const byType: Record<string, number> = {};
          for (const t of created) byType[t.type] = (byType[t.type] ?? 0) + 1;
          return { created: created.length, byType, ids: created.map((t) => t.id) };
        },
        describe: ({ created, byType }) =>
          `created ${created} demo tasks: ${Object.entries(byType)
            .map(([k, v]) => `${v} ${k}`)
            .join(", ")}`,
      }),
    );
}
