import os from "node:os";
import { z } from "zod";
import type { WorkerRegistration } from "../domain/worker.js";
import { packageVersion } from "../env.js";
import { parseOrThrow } from "../validation.js";

const registrationSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, "letters, digits, '.', '_', ':' or '-', 1–128 chars"),
    hostname: z.string().min(1).max(255),
    pid: z.number().int().min(0),
    version: z.string().min(1).max(64),
    maxConcurrency: z.number().int().min(1).max(10_000),
    supportedTaskTypes: z.array(z.string().min(1).max(64)),
    cpuCores: z.number().int().min(1),
    memoryMb: z.number().int().min(1),
    labels: z.record(z.string(), z.string()),
    heartbeatIntervalMs: z.number().int().min(10),
    leaseMs: z.number().int().min(20),
    healthUrl: z.url().nullable(),
  })
  .refine((r) => r.leaseMs > r.heartbeatIntervalMs, {
    path: ["leaseMs"],
    message: "greater than heartbeatIntervalMs, or every pause between heartbeats would kill the lease",
  });

/** The documented defaults (README, Configuration): WORKER_MAX_TASKS 10, heartbeat 30 s, stale threshold 120 s. */
export const REGISTRATION_DEFAULTS = {
  maxConcurrency: 10,
  heartbeatIntervalMs: 30_000,
  leaseMs: 120_000,
} as const;

/**
 * A full registration from what the worker knows about itself; the rest is read from the
 * host (hostname, pid, cores, memory). Throws ValidationError naming the field at fault.
 */
export function buildRegistration(partial: Partial<WorkerRegistration> = {}): WorkerRegistration {
  const hostname = partial.hostname ?? os.hostname();
  const pid = partial.pid ?? process.pid;
  const candidate: WorkerRegistration = {
    id: partial.id ?? `${hostname}-${pid}`,
    hostname,
    pid,
    version: partial.version ?? packageVersion(),
    maxConcurrency: partial.maxConcurrency ?? REGISTRATION_DEFAULTS.maxConcurrency,
    supportedTaskTypes: partial.supportedTaskTypes ?? [],
    cpuCores: partial.cpuCores ?? os.availableParallelism(),
    memoryMb: partial.memoryMb ?? Math.round(os.totalmem() / (1024 * 1024)),
    labels: partial.labels ?? {},
    heartbeatIntervalMs: partial.heartbeatIntervalMs ?? REGISTRATION_DEFAULTS.heartbeatIntervalMs,
    leaseMs: partial.leaseMs ?? REGISTRATION_DEFAULTS.leaseMs,
    healthUrl: partial.healthUrl ?? null,
  };
  return parseOrThrow(registrationSchema, candidate, "registration");
}
