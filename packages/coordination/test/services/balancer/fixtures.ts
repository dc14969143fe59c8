import type { BalancingTask, BalancingWorker } from "../../../src/balancer/types.js";

export const NOW = 1_000_000;
export const worker = (
  id: string,
  active: number,
  max = 10,
  extra: Partial<BalancingWorker> = {},
): BalancingWorker => ({
  id,
  state: "ACTIVE",
  maxConcurrency: max,
  activeTasks: active,
  supportedTaskTypes: ["demo"],
  cpuCores: 4,
  memoryMb: 4096,
  lastHeartbeatAt: NOW - 1000,
  leaseMs: 120_000,
  ...extra,
});
export const task = (id: string, extra: Partial<BalancingTask> = {}): BalancingTask => ({
  id,
  type: "demo",
  priority: 0,
  pinnedWorkerId: null,
  affinityKey: null,
  createdAt: NOW - 10,
  runAt: NOW - 10,
  ...extra,
});
