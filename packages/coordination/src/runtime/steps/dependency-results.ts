import type { Task } from "../../domain/task.js";
import type { DependencyResult } from "../../handlers/task-handler.js";
import type { CoordinationStore } from "../../store/port.js";

/**
 * A dependency's result is handed over only up to this size as JSON; a larger one is left out
 * and flagged (the handler can read the task itself). 20 dependencies × 4 KB stays under the
 * 128 KB Linux allows one environment variable, where command handlers receive them.
 */
export const DEPENDENCY_RESULT_CHARS = 4 * 1024;

/**
 * The results of a dependent's dependencies, in its `dependsOn` order, read when its attempt
 * starts (one getTask each; none for a task without dependencies). They all succeeded: the
 * store never starts a dependent before that.
 */
export async function loadDependencyResults(store: CoordinationStore, task: Task): Promise<DependencyResult[]> {
  const results: DependencyResult[] = [];
  for (const id of task.dependsOn) {
    const dependency = await store.getTask(id);
    if (!dependency) continue;
    const json = JSON.stringify(dependency.result ?? null);
    const omitted = json.length > DEPENDENCY_RESULT_CHARS;
    results.push({
      id,
      type: dependency.type,
      state: dependency.state,
      result: omitted ? null : (dependency.result ?? null),
      resultOmitted: omitted,
    });
  }
  return results;
}
