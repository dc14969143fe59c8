import { expect, it } from "vitest";
import { canTransitionWorker, WORKER_STATES, type WorkerState } from "../../../domain/worker.js";
import { IllegalTransitionError, NotFoundError } from "../../../errors.js";
import type { CoordinationStore } from "../../port.js";
import { type ContractContext, registration, rejectionOf, waitForStoreTime } from "../harness.js";

/** Legal paths from a fresh registration (ACTIVE) to each stored state. NEW exists only before registration. */
const PATH_TO: Record<Exclude<WorkerState, "NEW">, WorkerState[]> = {
  ACTIVE: [],
  BUSY: ["BUSY"],
  DRAINING: ["DRAINING"],
  STALE: ["STALE"],
  OFFLINE: ["STALE", "OFFLINE"],
  REMOVED: ["STALE", "OFFLINE", "REMOVED"],
};

async function workerIn(store: CoordinationStore, id: string, state: Exclude<WorkerState, "NEW">): Promise<void> {
  await store.registerWorker(registration(id));
  for (const to of PATH_TO[state]) await store.transitionWorker(id, to, { actor: "operator:test", reason: "setup" });
  expect((await store.getWorker(id))?.state).toBe(state);
}

export function workerTransitionCases(ctx: ContractContext): void {
  for (const from of Object.keys(PATH_TO) as Array<Exclude<WorkerState, "NEW">>) {
    it(`from ${from}: accepts exactly the legal transitions of the state machine`, async () => {
      const store = ctx.store();
      for (const to of WORKER_STATES) {
        const id = `w-${from}-${to}`.toLowerCase();
        await workerIn(store, id, from);
        const attempt = store.transitionWorker(id, to, { actor: "operator:test", reason: `${from} → ${to}` });
        if (canTransitionWorker(from, to)) {
          expect((await attempt).state, `${from} → ${to}`).toBe(to);
        } else {
          const error = await rejectionOf(attempt);
          expect(error, `${from} → ${to}`).toBeInstanceOf(IllegalTransitionError);
          expect(error).toMatchObject({ entity: "worker", id, from, to });
          expect((await store.getWorker(id))?.state).toBe(from);
        }
      }
    });
  }

  it("applies a conditional transition once when two monitors race", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const opts = {
      expectedFrom: ["ACTIVE", "BUSY", "DRAINING"] as WorkerState[],
      actor: "monitor:m",
      reason: "silent",
    };
    const outcomes = await Promise.allSettled([
      store.transitionWorker("w-a", "STALE", { ...opts, actor: "monitor:m1" }),
      store.transitionWorker("w-a", "STALE", { ...opts, actor: "monitor:m2" }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBeInstanceOf(IllegalTransitionError);
    expect(await rejectionOf(store.transitionWorker("w-a", "STALE", opts))).toBeInstanceOf(IllegalTransitionError);
    const toStale = (await store.readEvents(0, 1000)).filter(
      (e) => e.kind === "worker.state_changed" && e.workerId === "w-a" && e.data.to === "STALE",
    );
    expect(toStale).toHaveLength(1);
  });

  it("onlyIfLeaseExpired: refused while the lease is live, applied once it has run out", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a", { heartbeatIntervalMs: ctx.shortMs() / 3, leaseMs: ctx.shortMs() }));
    const stale = {
      expectedFrom: ["ACTIVE"] as WorkerState[],
      onlyIfLeaseExpired: true,
      actor: "monitor:m",
      reason: "silent",
    };
    expect(await rejectionOf(store.transitionWorker("w-a", "STALE", stale))).toBeInstanceOf(IllegalTransitionError);
    const active = await store.getWorker("w-a");
    expect(active?.state).toBe("ACTIVE");
    await waitForStoreTime(ctx.harness(), (active?.lastHeartbeatAt ?? 0) + ctx.shortMs());
    expect((await store.transitionWorker("w-a", "STALE", stale)).state).toBe("STALE");
  });

  it("refuses a transition whose expectedFrom does not hold, even if the table allows it", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    expect(
      await rejectionOf(
        store.transitionWorker("w-a", "DRAINING", { expectedFrom: ["BUSY"], actor: "operator:test", reason: "x" }),
      ),
    ).toBeInstanceOf(IllegalTransitionError);
    expect((await store.getWorker("w-a"))?.state).toBe("ACTIVE");
  });

  it("reports a transition of an unknown worker as not found", async () => {
    expect(
      await rejectionOf(ctx.store().transitionWorker("w-ghost", "STALE", { actor: "monitor:test", reason: "x" })),
    ).toBeInstanceOf(NotFoundError);
  });
}
