import { expect, it } from "vitest";
import type { Task, TaskFilter } from "../../../domain/task.js";
import type { CoordinationStore } from "../../port.js";
import { type ContractContext, claimMeta, expectValidationError, registration, taskInput } from "../harness.js";

async function listAll(store: CoordinationStore, filter: TaskFilter): Promise<Task[][]> {
  const pages: Task[][] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listTasks({ ...filter, cursor });
    pages.push(page.items);
    cursor = page.nextCursor;
    if (pages.length > 50) throw new Error("pagination does not terminate");
  } while (cursor);
  return pages;
}

export function listingCases(ctx: ContractContext): void {
  it("pages through every task exactly once", async () => {
    const store = ctx.store();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await store.createTask(taskInput({ title: `job ${i}` }), "operator:test")).id);
    const pages = await listAll(store, { limit: 3 });
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const seen = pages.flat().map((t) => t.id);
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort()).toEqual([...ids].sort());
    expect((await store.listTasks({ limit: 7 })).nextCursor).toBeNull();
  });

  it("filters by state, type, worker and free-text search over id, title, type and params", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const invoice = await store.createTask(
      taskInput({ title: "Send invoice", params: { customer: "ACME-42" } }),
      "operator:test",
    );
    const report = await store.createTask(
      taskInput({ type: "other", title: "Nightly report", params: { customer: "Globex" } }),
      "operator:test",
    );
    const mail = await store.createTask(taskInput({ title: "Mail 100% done_ok", params: {} }), "operator:test");
    await store.claimTasks({ workerId: "w-a", taskIds: [invoice.id], metadata: claimMeta });
    const ids = async (filter: TaskFilter) => (await store.listTasks(filter)).items.map((t) => t.id).sort();
    expect(await ids({ states: ["running"] })).toEqual([invoice.id]);
    expect(await ids({ states: ["queued", "running"] })).toEqual([invoice.id, report.id, mail.id].sort());
    expect(await ids({ types: ["other"] })).toEqual([report.id]);
    expect(await ids({ workerId: "w-a" })).toEqual([invoice.id]);
    expect(await ids({ search: "invoice" })).toEqual([invoice.id]);
    expect(await ids({ search: "acme-42" })).toEqual([invoice.id]);
    expect(await ids({ search: "other" })).toEqual([report.id]);
    expect(await ids({ search: report.id })).toEqual([report.id]);
    expect(await ids({ search: "100%" })).toEqual([mail.id]);
    expect(await ids({ search: "e_o" })).toEqual([mail.id]);
    expect(await ids({ search: "report", states: ["running"] })).toEqual([]);
  });

  it("rejects malformed filters, naming the field", async () => {
    const store = ctx.store();
    await expectValidationError(store.listTasks({ limit: 0 }), "limit");
    await expectValidationError(store.listTasks({ states: ["bogus" as "queued"] }), /^states/);
    await expectValidationError(store.listTasks({ cursor: "not-a-cursor" }), "cursor");
  });
}
