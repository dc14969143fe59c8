import type { Task } from "../../domain/task.js";
import type { CoordinationStore } from "../../store/port.js";

export interface GetTasksInput {
  store: CoordinationStore;
  workerId: string;
  /** Only types this worker has handlers for: a task it cannot run is never claimed. */
  types: string[];
  freeSlots: number;
  /** null: claim in the store's order (distributed.enabled = false). */
  balance: ((tasks: Task[]) => Promise<Task[]>) | null;
}

/** Candidates per free slot: enough that the strategy has tasks to hand out to everyone. */
const CANDIDATES_PER_SLOT = 4;
const MIN_CANDIDATES = 16;

/**
 * Seed step 1–2 (get task → task available): the claimable tasks, filtered to those the
 * shared strategy gives this worker (plus pinned-to-self and past-grace tasks), best first.
 */
export async function getTasks(input: GetTasksInput): Promise<Task[]> {
  if (input.freeSlots <= 0 || input.types.length === 0) return [];
  const candidates = await input.store.listClaimable({
    types: input.types,
    workerId: input.workerId,
    limit: Math.max(MIN_CANDIDATES, input.freeSlots * CANDIDATES_PER_SLOT),
  });
  if (candidates.length === 0) return [];
  const mine = input.balance ? await input.balance(candidates) : candidates;
  return mine.slice(0, input.freeSlots);
}
