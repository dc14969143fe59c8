import { z } from "zod";

/** Input of `completeTasks`: at most one claim batch's worth per call is expected; 1000 bounds a runaway caller. */
export const completionsSchema = z
  .array(
    z.object({
      taskId: z.string().min(1).max(200),
      token: z.number().int().min(1),
      result: z.unknown().optional(),
    }),
  )
  .max(1000);
