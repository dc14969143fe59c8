import type { CoordinationStore } from "../store/port.js";
import { DEFAULT_STRATEGY, getStrategy, isStrategyName } from "./strategies.js";
import type { StrategyName } from "./types.js";

/** Store settings key holding the live strategy (an operator can switch it while workers run). */
export const STRATEGY_SETTING_KEY = "loadBalancer.strategy";

/**
 * The live strategy. Falls back to `fallback` (the worker's configured default) when none is
 * set, or when the stored value is not a strategy — a bad setting must not stop every worker.
 */
export async function readStrategy(
  store: CoordinationStore,
  fallback: StrategyName = DEFAULT_STRATEGY,
): Promise<StrategyName> {
  const stored = await store.getSetting(STRATEGY_SETTING_KEY);
  return stored !== null && isStrategyName(stored) ? stored : fallback;
}

/** Validates (ValidationError naming `loadBalancer.strategy`) before writing. */
export async function writeStrategy(store: CoordinationStore, name: string, actor: string): Promise<StrategyName> {
  const strategy = getStrategy(name);
  await store.setSetting(STRATEGY_SETTING_KEY, strategy.name, actor);
  return strategy.name;
}
