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
  /**
   * Workers the strategy shares the candidates among (this one included), as of the last
   * registry read; unknown: assume the most. Ignored without `balance`.
   */
  peers?: number;
}

/** At most this many candidates per free slot: enough that the strategy has tasks to hand out to everyone. */
const CANDIDATES_PER_SLOT = 4;
const MIN_CANDIDATES = 16;

/**
 * The strategy gives this worker about 1/peers of the candidates, so it reads free slots ×
 * peers of them (up to CANDIDATES_PER_SLOT per slot). Alone, or claiming in store order, it
 * gets every candidate, so its free slots' worth is enough: each extra row costs the poll a
 * few µs (a third of a lone worker's poll time went to rows it never claimed).
 */
function candidateLimit(input: GetTasksInput): number {
  const share = input.balance ? Math.min(CANDIDATES_PER_SLOT, Math.max(1, input.peers ?? CANDIDATES_PER_SLOT)) : 1;
  return share === 1 ? input.freeSlots : Math.max(MIN_CANDIDATES, input.freeSlots * share);
}

/**
 * The task flow's get-task step: the claimable tasks, filtered to those the
 * shared strategy gives this worker (plus pinned-to-self and past-grace tasks), best first.
 */
export async function getTasks(input: GetTasksInput): Promise<Task[]> {
  if (input.freeSlots <= 0 || input.types.length === 0) return [];
  const candidates = await input.store.listClaimable({
    types: input.types,
    workerId: input.workerId,
    limit: candidateLimit(input),
  });
  if (candidates.length === 0) return [];
  const mine = input.balance ? await input.balance(candidates) : candidates;
  return mine.slice(0, input.freeSlots);
}
