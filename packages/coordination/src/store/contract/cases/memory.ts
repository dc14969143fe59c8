import { expect, it } from "vitest";
import { NamespaceViolationError } from "../../../errors.js";
import { type ContractContext, expectValidationError, rejectionOf } from "../harness.js";

export function memoryCases(ctx: ContractContext): void {
  it("orders writes by a store-assigned version: the last write wins", async () => {
    const store = ctx.store();
    const first = await store.memorySet("swarm/plan", { step: 1 }, "w-a");
    const other = await store.memorySet("global/flag", true, "w-b");
    const second = await store.memorySet("swarm/plan", { step: 2 }, "w-b");
    expect(other.version).toBeGreaterThan(first.version);
    expect(second.version).toBeGreaterThan(other.version);
    expect(await store.memoryGet("swarm/plan")).toMatchObject({
      key: "swarm/plan",
      value: { step: 2 },
      version: second.version,
      writerId: "w-b",
    });
    expect((await store.memoryGet("global/flag"))?.value).toBe(true);
    expect(await store.memoryGet("swarm/nothing")).toBeNull();
  });

  it("deletes without resurrection: delete then get is null, a later set comes after the delete", async () => {
    const store = ctx.store();
    const before = await store.memorySet("tasks/t1/context", { a: 1 }, "w-a");
    expect(await store.memoryDelete("tasks/t1/context", "w-a")).toBe(true);
    expect(await store.memoryGet("tasks/t1/context")).toBeNull();
    expect(await store.memoryList("tasks/")).toEqual([]);
    expect(await store.memoryDelete("tasks/t1/context", "w-a")).toBe(false);
    const after = await store.memorySet("tasks/t1/context", { a: 2 }, "w-b");
    expect(after.version).toBeGreaterThan(before.version + 1);
    expect((await store.memoryGet("tasks/t1/context"))?.value).toEqual({ a: 2 });
  });

  it("isolates workers/<id>/…: only that worker (or an operator) writes there", async () => {
    const store = ctx.store();
    expect((await store.memorySet("workers/w-a/state", { ok: 1 }, "w-a")).writerId).toBe("w-a");
    const violation = await rejectionOf(store.memorySet("workers/w-a/state", { ok: 0 }, "w-b"));
    expect(violation).toBeInstanceOf(NamespaceViolationError);
    expect(violation).toMatchObject({ key: "workers/w-a/state", writerId: "w-b" });
    expect(await rejectionOf(store.memoryDelete("workers/w-a/state", "w-b"))).toBeInstanceOf(NamespaceViolationError);
    expect((await store.memoryGet("workers/w-a/state"))?.value).toEqual({ ok: 1 });
    expect((await store.memorySet("workers/w-a/state", { ok: 2 }, "operator:alice")).writerId).toBe("operator:alice");
  });

  it("lists entries under a prefix, by key", async () => {
    const store = ctx.store();
    await store.memorySet("swarm/b", 2, "w-a");
    await store.memorySet("swarm/a", 1, "w-a");
    await store.memorySet("swarm/a/deeper", [1, 2], "w-a");
    await store.memorySet("global/a", 0, "w-a");
    expect((await store.memoryList("swarm/")).map((e) => [e.key, e.value])).toEqual([
      ["swarm/a", 1],
      ["swarm/a/deeper", [1, 2]],
      ["swarm/b", 2],
    ]);
    expect((await store.memoryList("swarm/a")).map((e) => e.key)).toEqual(["swarm/a", "swarm/a/deeper"]);
  });

  it("rejects malformed keys and values, naming the field", async () => {
    const store = ctx.store();
    await expectValidationError(store.memorySet("elsewhere/x", 1, "w-a"), "key");
    await expectValidationError(store.memorySet("swarm/", 1, "w-a"), "key");
    await expectValidationError(store.memoryGet("swarm//x"), "key");
    await expectValidationError(store.memoryDelete("no-namespace", "w-a"), "key");
    await expectValidationError(store.memorySet("swarm/x", undefined, "w-a"), "value");
    await expectValidationError(store.memorySet("swarm/x", { n: 1n }, "w-a"), "value");
  });
}
