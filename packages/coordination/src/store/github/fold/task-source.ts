import type { z } from "zod";
import type { taskSpecSchema } from "../records/record-schemas.js";

/** A trusted task issue: its number, its signed spec and the store-clock time it was created. */
export interface TaskSource {
  issueNumber: number;
  nonce: string;
  spec: z.infer<typeof taskSpecSchema>;
  createdAt: number;
  open: boolean;
  labels: string[];
}
