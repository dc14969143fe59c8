import type { MemoryEntry } from "../../domain/memory.js";
import type { Task } from "../../domain/task.js";
import type { TaskMemory } from "../../handlers/task-handler.js";
import type { MemorySyncManager } from "../../memory/memory-sync-manager.js";

/**
 * The task flow's get-context step: the task's own memory (`tasks/<id>/…`) and
 * the shared `global/…` entries, plus read/write access for the handler. Tasks claimed
 * together may share one read of `global/` (`sharedGlobal`), taken right after their claim.
 */
export async function getContext(
  memory: MemorySyncManager,
  task: Task,
  sharedGlobal?: Promise<MemoryEntry[]>,
): Promise<TaskMemory> {
  const [own, global] = await Promise.all([memory.list(`tasks/${task.id}/`), sharedGlobal ?? memory.list("global/")]);
  const context: Record<string, unknown> = {};
  for (const entry of [...global, ...own]) context[entry.key] = entry.value;
  return {
    context,
    get: async (key) => (await memory.get(key))?.value ?? null,
    set: async (key, value) => {
      await memory.set(key, value);
    },
  };
}
