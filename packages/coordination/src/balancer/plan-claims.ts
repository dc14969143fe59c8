import type { AssignmentDecision } from "../domain/assignment-decision.js";
import { compareClaimOrder } from "../domain/task-claims.js";
import { availableSlots } from "../domain/worker.js";
import { explainAssignment } from "./explain-assignment.js";
import { isPastGrace } from "./grace.js";
import { filterReasons, type Selection, selectWorker } from "./load-balancer.js";
import type { BalancingHistory, BalancingStrategy, BalancingTask, BalancingWorker } from "./types.js";

export interface PlanClaimsInput {
  selfId: string;
  /** Claimable tasks as this worker sees them. */
  tasks: readonly BalancingTask[];
  /** The shared registry view. */
  workers: readonly BalancingWorker[];
  strategy: BalancingStrategy;
  /** A task waiting longer than this since its runAt is open to any eligible worker (grace.ts: effectiveGraceMs). */
  graceMs: number;
  /** Store-clock ms. */
  now: number;
  history?: BalancingHistory;
}

export type ClaimReason = "assigned" | "pinned" | "grace";

export interface ClaimDecision {
  taskId: string;
  /** The worker the shared strategy gives the task to (null: nobody eligible with room). */
  assignedTo: string | null;
  /** Why this worker claims it, or null if it leaves it to others. */
  claimedBecause: ClaimReason | null;
}

export interface ClaimPlan {
  /** Task ids to claim now, best first; never more than self's free slots. */
  claim: string[];
  decisions: ClaimDecision[];
  /** Why self claims each task of `claim` (strategy, scores, alternatives), by task id. */
  explanations: Map<string, AssignmentDecision>;
}

/**
 * "Assignment by agreement": every worker runs the same strategy over the same view and
 * takes what it gives itself, so workers rarely collide and no store write is spent on
 * assignment. The simulation consumes capacity as it assigns (each assignment
 * takes a slot of that worker's capacity) and does not depend on selfId, so all workers agree on it.
 * Tasks waiting past graceMs are then open to anyone with room: a stale view never starves
 * a task, and the lock settles any collision.
 */
export function planClaims(input: PlanClaimsInput): ClaimPlan {
  const self = input.workers.find((w) => w.id === input.selfId);
  const ordered = [...input.tasks].sort(compareClaimOrder);
  const simulated = new Map(input.workers.map((w) => [w.id, { ...w }]));
  const ctx = { strategy: input.strategy, now: input.now, ...(input.history ? { history: input.history } : {}) };

  const selections: Selection[] = [];
  const decisions: ClaimDecision[] = ordered.map((task) => {
    const selection = selectWorker(task, [...simulated.values()], ctx);
    selections.push(selection);
    const { workerId } = selection;
    const assignee = workerId === null ? undefined : simulated.get(workerId);
    if (assignee) assignee.activeTasks += 1;
    const claimedBecause =
      workerId !== null && workerId === input.selfId
        ? task.pinnedWorkerId === input.selfId
          ? "pinned"
          : "assigned"
        : null;
    return { taskId: task.id, assignedTo: workerId, claimedBecause };
  });

  if (!self)
    return { claim: [], decisions: decisions.map((d) => ({ ...d, claimedBecause: null })), explanations: new Map() };
  let room = availableSlots(self) - decisions.filter((d) => d.claimedBecause !== null).length;
  const idle = { ...self, activeTasks: 0 };
  ordered.forEach((task, i) => {
    const decision = decisions[i];
    if (!decision || decision.claimedBecause !== null || room <= 0) return;
    if (isPastGrace(task.runAt, input.now, input.graceMs) && filterReasons(task, idle, input.now).length === 0) {
      decision.claimedBecause = "grace";
      room -= 1;
    }
  });
  const explanations = new Map<string, AssignmentDecision>();
  decisions.forEach((decision, i) => {
    const selection = selections[i];
    if (decision.claimedBecause === null || !selection) return;
    const reason = decision.claimedBecause;
    explanations.set(
      decision.taskId,
      explainAssignment({ strategy: input.strategy.name, selfId: input.selfId, reason, selection }),
    );
  });
  return { claim: decisions.filter((d) => d.claimedBecause !== null).map((d) => d.taskId), decisions, explanations };
}
