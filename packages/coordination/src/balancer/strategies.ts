import { ValidationError } from "../errors.js";
import { adaptive } from "./adaptive.js";
import { affinity } from "./affinity.js";
import { capacityBased } from "./capacity-based.js";
import { leastLoaded } from "./least-loaded.js";
import { roundRobin } from "./round-robin.js";
import { type BalancingStrategy, STRATEGY_NAMES, type StrategyName } from "./types.js";

const STRATEGIES: Readonly<Record<StrategyName, BalancingStrategy>> = {
  round_robin: roundRobin,
  least_loaded: leastLoaded,
  capacity_based: capacityBased,
  affinity,
  adaptive,
};

/** LOAD_BALANCE_STRATEGY's default (README, Configuration). */
export const DEFAULT_STRATEGY: StrategyName = "least_loaded";

export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

export function getStrategy(name: string): BalancingStrategy {
  if (!isStrategyName(name))
    throw new ValidationError("loadBalancer.strategy", `one of ${STRATEGY_NAMES.join(", ")}`, name);
  return STRATEGIES[name];
}
