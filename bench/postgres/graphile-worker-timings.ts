/** A job a graphile-worker process finished, kept by that process (the library deletes finished jobs). */
export interface JobTiming {
  phase: string;
  createdAt: number;
  runAt: number;
  /** When the worker claimed it (server clock). */
  lockedAt: number;
  /** When the task function had returned (the worker's clock; same machine as the server). */
  finishedAt: number;
}

export interface TimingsRequest {
  type: "timings";
  phase: string;
}

export interface TimingsReply extends TimingsRequest {
  rows: JobTiming[];
}

const isTimings = (m: unknown): m is { type: "timings"; phase: unknown } =>
  typeof m === "object" && m !== null && (m as { type?: unknown }).type === "timings";

export const isTimingsRequest = (m: unknown): m is TimingsRequest =>
  isTimings(m) && typeof m.phase === "string" && !("rows" in m);

export const isTimingsReply =
  (phase: string) =>
  (m: unknown): m is TimingsReply =>
    isTimings(m) && m.phase === phase && Array.isArray((m as { rows?: unknown }).rows);
