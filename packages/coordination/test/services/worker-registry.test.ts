import { tempStorePerTest } from "@sentinel/test-support/store";
import { beforeEach, describe, expect, it } from "vitest";
import { IllegalTransitionError, NotFoundError, ValidationError } from "../../src/errors.js";
import { buildRegistration } from "../../src/registry/build-registration.js";
import { WorkerRegistry } from "../../src/registry/worker-registry.js";

const t = tempStorePerTest("sentinel-services");
let registry: WorkerRegistry;
beforeEach(() => {
  registry = new WorkerRegistry(t.store);
});

describe("buildRegistration", () => {
  it("fills host defaults and the documented capacity default", () => {
    const reg = buildRegistration({ supportedTaskTypes: ["demo"] });
    expect(reg.id).toBe(`${reg.hostname}-${process.pid}`);
    expect(reg.maxConcurrency).toBe(10);
    expect(reg.cpuCores).toBeGreaterThanOrEqual(1);
    expect(reg.memoryMb).toBeGreaterThan(0);
    expect(reg.leaseMs).toBe(120_000);
  });

  it("names the field at fault", () => {
    expect(() => buildRegistration({ maxConcurrency: 0 })).toThrow(
      expect.objectContaining({ field: "maxConcurrency" }),
    );
    expect(() => buildRegistration({ id: "bad id!" })).toThrow(ValidationError);
    expect(() => buildRegistration({ heartbeatIntervalMs: 5000, leaseMs: 1000 })).toThrow(
      expect.objectContaining({ field: "leaseMs" }),
    );
  });
});

describe("WorkerRegistry", () => {
  it("registers ACTIVE, discovers by state and type", async () => {
    await registry.register(buildRegistration({ id: "w1", supportedTaskTypes: ["demo"] }));
    await registry.register(buildRegistration({ id: "w2", supportedTaskTypes: ["build"] }));
    expect((await registry.get("w1"))?.state).toBe("ACTIVE");
    expect((await registry.discover({ supportsType: "build" })).map((w) => w.id)).toEqual(["w2"]);
    expect((await registry.discover({ states: ["ACTIVE"] })).map((w) => w.id).sort()).toEqual(["w1", "w2"]);
    expect(await registry.discover({ states: ["DRAINING"] })).toEqual([]);
  });

  it("checks updateStatus against the state machine before writing", async () => {
    await registry.register(buildRegistration({ id: "w1" }));
    await expect(registry.updateStatus("w1", "OFFLINE", "w1", "test")).rejects.toThrow(IllegalTransitionError);
    await expect(registry.updateStatus("nope", "ACTIVE", "w1", "test")).rejects.toThrow(NotFoundError);
    expect((await registry.updateStatus("w1", "DRAINING", "w1", "test")).state).toBe("DRAINING");
  });

  it("drain and resume", async () => {
    await registry.register(buildRegistration({ id: "w1" }));
    const drained = await registry.drain("w1", "operator:alice");
    expect(drained.state).toBe("DRAINING");
    expect(await registry.discover({ states: ["ACTIVE", "BUSY"] })).toEqual([]);
    expect((await registry.resume("w1", "operator:alice")).state).toBe("ACTIVE");
    await expect(registry.resume("w1", "operator:alice")).rejects.toThrow(IllegalTransitionError);
  });

  it("deregister drains first, ends REMOVED, and hides the worker from discovery", async () => {
    await registry.register(buildRegistration({ id: "w1" }));
    expect((await registry.deregister("w1")).state).toBe("REMOVED");
    const events = await t.store.readEvents(0, 100);
    const states = events.filter((e) => e.kind === "worker.state_changed").map((e) => e.data.to);
    expect(states).toEqual(["ACTIVE", "DRAINING", "REMOVED"]);
    expect(await registry.discover()).toEqual([]);
    expect((await registry.discover({ states: ["REMOVED"] })).map((w) => w.id)).toEqual(["w1"]);
  });

  it("deregister tolerates the worker's own DRAINING write landing between its read and its write", async () => {
    await registry.register(buildRegistration({ id: "w1" }));
    // The real store, with the worker's own drain (another writer, as at `pnpm start` stop)
    // slipped in right after the registry's first read of the worker.
    let raced = false;
    const racing = new Proxy(t.store, {
      get(target, key, receiver) {
        if (key !== "getWorker") return Reflect.get(target, key, receiver);
        return async (id: string) => {
          const seen = await target.getWorker(id);
          if (!raced) {
            raced = true;
            await target.transitionWorker(id, "DRAINING", { actor: id, reason: "shutting down" });
          }
          return seen;
        };
      },
    });
    expect((await new WorkerRegistry(racing).deregister("w1")).state).toBe("REMOVED");
    expect(raced).toBe(true);
    const events = await t.store.readEvents(0, 100);
    const states = events.filter((e) => e.kind === "worker.state_changed").map((e) => e.data.to);
    expect(states).toEqual(["ACTIVE", "DRAINING", "REMOVED"]);
    // A second deregister racing the first finds the worker REMOVED: done, not an error.
    expect((await registry.deregister("w1")).state).toBe("REMOVED");
  });

  it("heartbeat reports load (ACTIVE ⇄ BUSY)", async () => {
    await registry.register(buildRegistration({ id: "w1", maxConcurrency: 2 }));
    expect((await registry.heartbeat("w1", 2)).state).toBe("BUSY");
    expect((await registry.heartbeat("w1", 1)).state).toBe("ACTIVE");
  });
});
