import { IllegalTransitionError } from "../errors.js";
import { TASK_STATES, type TaskState, TERMINAL_TASK_STATES } from "./task.js";

const NON_TERMINAL: readonly TaskState[] = TASK_STATES.filter((state) => !TERMINAL_TASK_STATES.includes(state));

/**
 * Every way a task's state changes, in one table: the action, the states it may be taken
 * from, and where it lands (docs/architecture.md, "Task lifecycle"):
 *
 *   queued/failed ─start→ running ─succeed→ succeeded
 *                         running ─retry→ failed (claimable again at runAt) | ─die→ dead
 *   any non-terminal ─cancel→ cancelled
 *   queued/failed ─doom→ dead (a dependency can no longer succeed, policy "fail")
 *   queued ─edit→ queued (priority or params changed before any start)
 *   anything but succeeded ─requeue→ queued (an operator may run a dead or cancelled task
 *   again, or re-pin a waiting one; a success is final)
 *
 * Both store adapters consult this table before they persist a change, and the GitHub fold
 * replays records through it. A new state is a new row (or new `from` entries) here.
 */
export const TASK_TRANSITIONS = {
  start: { from: ["queued", "failed"], to: "running" },
  succeed: { from: ["running"], to: "succeeded" },
  retry: { from: ["running"], to: "failed" },
  die: { from: ["running"], to: "dead" },
  cancel: { from: NON_TERMINAL, to: "cancelled" },
  /** A waiting dependent whose dependency ended dead or cancelled, under policy "fail" (task-dependencies.ts). */
  doom: { from: ["queued", "failed"], to: "dead" },
  /** An operator changes the priority or params of work no worker has started. */
  edit: { from: ["queued"], to: "queued" },
  requeue: { from: TASK_STATES.filter((state) => state !== "succeeded"), to: "queued" },
} as const satisfies Record<string, { from: readonly TaskState[]; to: TaskState }>;

export type TaskAction = keyof typeof TASK_TRANSITIONS;

/** States a worker may claim a task in (once its runAt has passed): the states `start` is taken from. */
export const CLAIMABLE_TASK_STATES: readonly TaskState[] = TASK_TRANSITIONS.start.from;

export function canApplyTaskAction(action: TaskAction, from: TaskState): boolean {
  return (TASK_TRANSITIONS[action].from as readonly TaskState[]).includes(from);
}

/**
 * Refuse an action the table does not allow from `from`. `target` names what was attempted
 * in the error (the landing state unless the caller says otherwise, e.g. "result stored").
 */
export function assertTaskAction(
  taskId: string,
  action: TaskAction,
  from: TaskState,
  target: string = TASK_TRANSITIONS[action].to,
): void {
  if (!canApplyTaskAction(action, from)) throw new IllegalTransitionError("task", taskId, from, target);
}
