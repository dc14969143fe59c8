import type { CoordinationStore } from "@sentinel/coordination";
import { type ChaosBackend, sleep } from "./backend.js";
import { type PlannedFault, SIGKILL, SIGSTOP } from "./fault-plan.js";
import type { Fleet } from "./fleet.js";

/** A fault as it happened; `at` is the store's clock when it started (for a kill: when the process was gone). */
export interface InjectedFault {
  kind: string;
  at: number;
  description: string;
  /** The killed worker, for a SIGKILL: recovery is measured from `at` for the tasks it held. */
  victim?: string;
}

/** Runs the plan in order against the fleet and the backend; `log` gets one line per fault. */
export async function injectFaults(
  plan: readonly PlannedFault[],
  fleet: Fleet,
  backend: ChaosBackend,
  log: (line: string) => void,
): Promise<InjectedFault[]> {
  const done: InjectedFault[] = [];
  for (const fault of plan) {
    await sleep(fault.gapMs);
    const injected = await injectOne(fault, fleet, backend);
    log(`${fault.kind}: ${injected.description}`);
    done.push(injected);
  }
  return done;
}

async function injectOne(fault: PlannedFault, fleet: Fleet, backend: ChaosBackend): Promise<InjectedFault> {
  const store = backend.store;
  if (fault.kind === SIGKILL) {
    const slot = await pickSlot(fault.targetDraw, fleet, store);
    const victim = await fleet.kill(slot);
    const at = await store.now();
    return { kind: fault.kind, at, victim, description: `SIGKILL ${victim} (slot ${slot}), replaced` };
  }
  if (fault.kind === SIGSTOP) {
    const slot = Math.floor(fault.targetDraw * fleet.ids().length);
    const at = await store.now();
    const id = await fleet.pause(slot, fault.durationMs);
    return { kind: fault.kind, at, description: `SIGSTOP ${id} for ${fault.durationMs} ms, then SIGCONT` };
  }
  const storeFault = backend.faults.find((f) => f.kind === fault.kind);
  if (!storeFault) throw new Error(`the ${backend.name} backend has no fault "${fault.kind}"`);
  const at = await store.now();
  return { kind: fault.kind, at, description: await storeFault.inject(fault.durationMs) };
}

/** A kill is aimed at a worker holding a lock when there is one, so that it leaves work to recover. */
async function pickSlot(draw: number, fleet: Fleet, store: CoordinationStore): Promise<number> {
  const ids = fleet.ids();
  const holders = new Set((await store.listLocks()).map((l) => l.ownerId));
  const withLocks = ids.map((id, slot) => ({ id, slot })).filter((w) => holders.has(w.id));
  const candidates = withLocks.length > 0 ? withLocks.map((w) => w.slot) : ids.map((_, slot) => slot);
  return candidates[Math.floor(draw * candidates.length)] as number;
}
