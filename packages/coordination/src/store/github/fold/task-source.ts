import type { z } from "zod";
import type { EventEntry, taskSpecSchema } from "../records/record-schemas.js";

/** A trusted task issue: its number, its signed spec and the store-clock time it was created. */
export interface TaskSource {
  issueNumber: number;
  issueId: number;
  nonce: string;
  spec: z.infer<typeof taskSpecSchema>;
  createdAt: number;
  /** Server time of the issue's creation, for the ids of the events its body carries. */
  issueCreatedAt: string;
  events: EventEntry[];
}
