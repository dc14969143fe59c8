import { availableSlots } from "../domain/worker.js";
import type { BalancingWorker } from "./types.js";

/** Fraction of capacity in use, 0..1 (what least-loaded and capacity views sort by). */
export function utilization(worker: BalancingWorker): number {
  return worker.maxConcurrency === 0 ? 1 : Math.min(1, worker.activeTasks / worker.maxConcurrency);
}

/** Free slots relative to the roomiest eligible worker, 0..1. */
export function relativeFreeSlots(worker: BalancingWorker, eligible: readonly BalancingWorker[]): number {
  const most = Math.max(0, ...eligible.map(availableSlots));
  return most === 0 ? 0 : availableSlots(worker) / most;
}

/** 32-bit FNV-1a: a stable hash so every worker derives the same rotation from a task id. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
