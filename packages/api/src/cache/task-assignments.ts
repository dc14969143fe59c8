import { type AssignmentDecision, readAssignmentDecision, type StoreEvent } from "@sentinel/coordination";

/** One attempt's "why this worker", as its task.started event recorded it. */
export interface TaskAssignment {
  attempt: number | null;
  workerId: string;
  at: number;
  decision: AssignmentDecision;
}

/** The attempts of a task's timeline whose claim carried a decision, oldest first. */
export function assignmentsOf(events: readonly StoreEvent[]): TaskAssignment[] {
  const found: TaskAssignment[] = [];
  for (const event of events) {
    if (event.kind !== "task.started") continue;
    const decision = readAssignmentDecision(event.data);
    if (!decision) continue;
    const attempt = typeof event.data.attempt === "number" ? event.data.attempt : null;
    found.push({ attempt, workerId: event.workerId ?? event.actor, at: event.at, decision });
  }
  return found;
}
