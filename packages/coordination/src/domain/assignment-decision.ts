import { z } from "zod";

/** Alternatives kept per assignment: enough to show "who else was close", bounded so a claim record stays small. */
export const MAX_ALTERNATIVES = 3;
/** Score parts kept per worker (every strategy uses at most four). */
const MAX_PARTS = 8;

const workerIdSchema = z.string().min(1).max(200);
const partsSchema = z
  .record(z.string().max(40), z.number().finite())
  .refine((parts) => Object.keys(parts).length <= MAX_PARTS, `at most ${MAX_PARTS} score parts`);

/**
 * Why a worker took a task: the load-balancing strategy in force, how the claiming worker
 * scored (the parts the strategy really used), and the best other eligible workers it was
 * compared with. Built by balancer/explain-assignment.ts when the worker plans its claims,
 * and stored with the attempt's `task.started` event (on GitHub inside the claim record),
 * so it costs no write of its own.
 */
export const assignmentDecisionSchema = z.object({
  strategy: z.string().min(1).max(40),
  /**
   * assigned: the shared strategy gave the task to this worker; pinned: an operator pinned it
   * here; grace: it waited past the grace period for the worker the strategy chose (`preferred`)
   * and any eligible worker with room could take it.
   */
  reason: z.enum(["assigned", "pinned", "grace"]),
  /** The worker the strategy chose over the registry view (null: none had room). */
  preferred: workerIdSchema.nullable(),
  /** The claiming worker's score and its parts; null if the strategy did not score it (grace, no room in the plan). */
  score: z.number().finite().nullable(),
  parts: partsSchema,
  /** The best-scoring other eligible workers, best first. */
  alternatives: z
    .array(z.object({ workerId: workerIdSchema, score: z.number().finite(), parts: partsSchema }))
    .max(MAX_ALTERNATIVES),
  /** Workers that passed the filter (healthy, room, supports the type, pin). */
  eligible: z.number().int().min(0),
  /** Workers in the registry view. */
  considered: z.number().int().min(0),
});
export type AssignmentDecision = z.infer<typeof assignmentDecisionSchema>;

/** A stored decision, or null when an event carries none (older events, the wait/retry claim path) or a malformed one. */
export function readAssignmentDecision(data: Record<string, unknown>): AssignmentDecision | null {
  const parsed = assignmentDecisionSchema.safeParse(data.decision);
  return parsed.success ? parsed.data : null;
}
