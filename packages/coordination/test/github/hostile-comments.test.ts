import { OWNER, postComment, REPO, SECRET, withStranger } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/domain/limits.js";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import { TrustFilter } from "../../src/store/github/trust/trust-filter.js";

const setup = withStranger();

/** A sentinel block whose JSON nests `depth` levels: far past any stack if walked recursively. */
function nestedBody(depth: number): string {
  return `hi\n\n<!-- sentinel:v1 {"p":${"[".repeat(depth)}${"]".repeat(depth)},"sig":"00"} -->`;
}

function issueWithLabel(label: string): number {
  const issue = setup()
    .emulator.state.repo(OWNER, REPO)
    ?.visibleIssues()
    .find((i) => i.labels.includes(label));
  if (!issue) throw new Error(`no issue labelled ${label}`);
  return issue.number;
}

describe("bounded parsing of hostile comments", () => {
  it("refuses a deeply nested record from an allowed login without recursing, and the fleet keeps working", async () => {
    const { store, bot, mallory } = setup();
    await store.registerWorker(registration("w-1"));
    await store.memorySet("swarm/plan", { step: 1 }, "w-1");
    const task = await store.createTask(taskInput(), "operator:test");
    const registry = issueWithLabel("sentinel:registry");
    const memory = issueWithLabel("sentinel:memory");
    // 30,000 levels: signature checking used to recurse once per level and overflow the stack.
    await postComment(bot, registry, nestedBody(30_000));
    await postComment(bot, memory, nestedBody(30_000));
    await postComment(mallory, registry, nestedBody(30_000));

    expect((await store.listWorkers()).map((w) => w.id)).toEqual(["w-1"]);
    expect((await store.memoryGet("swarm/plan"))?.value).toEqual({ step: 1 });
    const [claimed] = await store.claimTasks({ workerId: "w-1", taskIds: [task.id], metadata: claimMeta });
    expect(claimed?.task.state).toBe("running");
    await store.completeTask(task.id, claimed?.lock.token ?? -1, { result: { ok: true } });
    expect((await store.getTask(task.id))?.state).toBe("succeeded");

    const stats = store.trustStats();
    expect(stats.rejected.tooDeep).toBe(2);
    expect(stats.rejected.author).toBe(1);
    expect(stats.refused).toBe(3);
    expect(stats.refusedBy).toEqual([
      { author: "sentinel-bot", reason: "tooDeep", count: 2 },
      { author: "mallory", reason: "author", count: 1 },
    ]);
  });

  it("writes values as deep as LIMITS.jsonDepth and reads them back inside the record depth limit", async () => {
    const { store } = setup();
    let deep: unknown = 1;
    for (let i = 0; i < LIMITS.jsonDepth; i += 1) deep = [deep];
    await store.registerWorker(registration("w-1"));
    expect((await store.memorySet("swarm/deep", deep, "w-1")).value).toEqual(deep);
    const task = await store.createTask(taskInput({ params: deep }), "operator:test");
    const [claimed] = await store.claimTasks({ workerId: "w-1", taskIds: [task.id], metadata: claimMeta });
    await store.completeTask(task.id, claimed?.lock.token ?? -1, { result: deep });
    expect(await store.getTask(task.id)).toMatchObject({ params: deep, result: deep, state: "succeeded" });
    expect(store.trustStats().refused).toBe(0);
  });

  it("logs a refused comment once, however often it is edited or re-read", () => {
    const warnings: unknown[] = [];
    const filter = new TrustFilter(
      SECRET,
      ["sentinel-bot"],
      (_level, _message, fields) => warnings.push(fields),
      600_000,
    );
    const source = {
      id: 7,
      issue: 3,
      author: "sentinel-bot",
      createdAt: "2026-01-01T00:00:00Z",
      body: nestedBody(30_000),
    };
    for (const updatedAt of ["2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", "2026-01-01T00:00:01Z"])
      expect(filter.accept({ ...source, updatedAt })).toBeNull();
    expect(warnings).toEqual([{ reason: "tooDeep", author: "sentinel-bot", issue: 3, id: 7 }]);
    // Each version is counted: the counts say how much was refused, the log says where.
    expect(filter.snapshot()).toMatchObject({ refused: 2, rejected: { tooDeep: 2 } });
  });
});
