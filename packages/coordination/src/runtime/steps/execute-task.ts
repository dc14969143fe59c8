import type { Logger } from "pino";
import { assertJsonWithin, PARAMS_LIMIT, RESULT_LIMIT } from "../../domain/limits.js";
import type { DependencyResult, HandlerDefinition, TaskMemory } from "../../handlers/task-handler.js";
import { validateParams } from "../../handlers/validate-params.js";
import type { ClaimedTask } from "../claimed-task.js";
import { TaskAbortedError, TaskTimeoutError } from "../runtime-errors.js";
import type { TaskLogRecorder } from "../task-log-recorder.js";

export interface ExecuteTaskInput {
  claim: ClaimedTask;
  handler: HandlerDefinition;
  memory: TaskMemory;
  dependencies: DependencyResult[];
  log: Logger;
  /** The attempt's progress and log lines, on their way to the store. */
  taskLog: TaskLogRecorder;
  /** Aborted by the worker (lease lost, superseded, forced shutdown). */
  signal: AbortSignal;
  timeoutMs: number;
}

/**
 * "[Execute Task]": params checked against the limits (a row stored before them, or by another
 * writer, may exceed them) and validated (ValidationError → not retryable), the handler run with
 * an AbortSignal that fires on timeout or worker abort. A handler that ignores its signal is
 * not waited for: its lock is expiring anyway and its result would be fenced out.
 */
export async function executeTask(input: ExecuteTaskInput): Promise<unknown> {
  const { claim, handler } = input;
  assertJsonWithin(claim.task.params, "params", PARAMS_LIMIT);
  const params = validateParams(handler, claim.task.params);
  const controller = new AbortController();
  const onParentAbort = () =>
    controller.abort(
      input.signal.reason instanceof Error ? input.signal.reason : new TaskAbortedError(String(input.signal.reason)),
    );
  if (input.signal.aborted) onParentAbort();
  else input.signal.addEventListener("abort", onParentAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new TaskTimeoutError(claim.task.id, input.timeoutMs)),
    input.timeoutMs,
  );

  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(controller.signal.reason);
    if (controller.signal.aborted) onAbort();
    else controller.signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const result = await Promise.race([
      handler.run({
        task: claim.task,
        params,
        attempt: claim.task.attempts,
        fencingToken: claim.lock.token,
        signal: controller.signal,
        memory: input.memory,
        dependencies: input.dependencies,
        log: input.taskLog.log,
        progress: input.taskLog.progress,
        logger: input.log,
      }),
      aborted,
    ]);
    // Refused here, as a failure of this attempt naming the limit, rather than by the store at completion.
    assertJsonWithin(result, "result", RESULT_LIMIT);
    return result;
  } finally {
    clearTimeout(timer);
    input.signal.removeEventListener("abort", onParentAbort);
    if (onAbort) controller.signal.removeEventListener("abort", onAbort);
  }
}
