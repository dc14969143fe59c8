import { effectiveGraceMs } from "../../balancer/grace.js";
import { planClaims } from "../../balancer/plan-claims.js";
import { getStrategy } from "../../balancer/strategies.js";
import { readStrategy } from "../../balancer/strategy-setting.js";
import type { StrategyName } from "../../balancer/types.js";
import type { AssignmentDecision } from "../../domain/assignment-decision.js";
import type { Task } from "../../domain/task.js";
import { ACCEPTING_STATES, isLeaseLive } from "../../domain/worker.js";
import type { CoordinationStore } from "../../store/port.js";
import type { WorkerCore } from "./worker-core.js";

export interface ClaimBalancer {
  /** Picks, from claimable candidates, the ones the shared strategy gives this worker; `held`: tasks we still hold once the completions in hand are written. */
  balance(store: CoordinationStore, tasks: Task[], held: number): Promise<Task[]>;
  /** Workers taking new work in the last registry view (this one included); null before the first. */
  peers(): number | null;
  /** Why the last `balance` gave this worker each of these tasks (stored with the claim), by task id. */
  decisionsFor(taskIds: readonly string[]): Record<string, AssignmentDecision>;
}

/**
 * Assignment by agreement: every worker runs the same strategy over the same registry view,
 * so each claims what the strategy gives itself and the lock settles any overlap. The
 * strategy setting is re-read once per rebalance interval, not per poll.
 */
export function createClaimBalancer(core: WorkerCore): ClaimBalancer {
  const { config, history } = core;
  const { loadBalancer } = config.distributed;
  // TASK_AFFINITY_ENABLED=false: strategies still see performance, but no "who ran this last".
  const withoutAffinity = {
    lastWorkerFor: () => null,
    performanceOf: (workerId: string) => history.performanceOf(workerId),
  };
  let strategy: { name: StrategyName; readAt: number } | null = null;
  let peers: number | null = null;
  let explanations = new Map<string, AssignmentDecision>();

  const currentStrategy = async (store: CoordinationStore): Promise<StrategyName> => {
    const now = performance.now();
    if (!strategy || now - strategy.readAt >= loadBalancer.rebalanceIntervalMs) {
      strategy = { name: await readStrategy(store, loadBalancer.strategy), readAt: now };
    }
    return strategy.name;
  };

  const balance = async (store: CoordinationStore, tasks: Task[], held: number): Promise<Task[]> => {
    const [name, workers, now] = await Promise.all([currentStrategy(store), store.listWorkers(), store.now()]);
    peers = workers.filter(
      (w) => ACCEPTING_STATES.includes(w.state) && isLeaseLive(w, now) && !w.drainRequested,
    ).length;
    // Our own load is known exactly here; the registry copy is a heartbeat old.
    const view = workers.map((w) => (w.id === core.id ? { ...w, activeTasks: held } : w));
    const plan = planClaims({
      selfId: core.id,
      tasks,
      workers: view,
      strategy: getStrategy(name),
      graceMs: effectiveGraceMs(loadBalancer.graceMs, store.claimVisibilityMs),
      now,
      history: loadBalancer.affinityEnabled ? history : withoutAffinity,
    });
    explanations = plan.explanations;
    const byId = new Map(tasks.map((t) => [t.id, t]));
    return plan.claim.map((taskId) => byId.get(taskId)).filter((t): t is Task => t !== undefined);
  };
  const decisionsFor = (taskIds: readonly string[]) => {
    const found: Record<string, AssignmentDecision> = {};
    for (const id of taskIds) {
      const decision = explanations.get(id);
      if (decision) found[id] = decision;
    }
    return found;
  };
  return { balance, peers: () => peers, decisionsFor };
}
