import { describe, expect, it } from "vitest";
import type { Task, TaskState } from "../../src/domain/task.js";
import {
  assertValidDependencies,
  DEPENDENCY_WALK_LIMIT,
  dependencyFailureOutcome,
  dependencyStatus,
} from "../../src/domain/task-dependencies.js";
import { ValidationError } from "../../src/errors.js";

const dep = (id: string, state: TaskState | null) => ({ id, state });

describe("dependencyStatus", () => {
  it.each([
    [[], { kind: "satisfied" }],
    [[dep("a", "succeeded"), dep("b", "succeeded")], { kind: "satisfied" }],
    [[dep("a", "succeeded"), dep("b", "running")], { kind: "waiting", pending: ["b"] }],
    [[dep("a", null), dep("b", "queued")], { kind: "waiting", pending: ["a", "b"] }],
    [[dep("a", "failed")], { kind: "waiting", pending: ["a"] }],
    [[dep("a", "running"), dep("b", "dead")], { kind: "doomed", dependency: "b", state: "dead" }],
    [[dep("a", "cancelled"), dep("b", "dead")], { kind: "doomed", dependency: "a", state: "cancelled" }],
  ] as const)("%j → %j", (deps, expected) => {
    expect(dependencyStatus(deps)).toEqual(expected);
  });

  it("a dependent's policy decides how it ends, naming the dependency", () => {
    expect(dependencyFailureOutcome("cancel", { dependency: "a", state: "dead" })).toEqual({
      state: "cancelled",
      reason: "dependency a ended dead",
    });
    expect(dependencyFailureOutcome("fail", { dependency: "a", state: "cancelled" })).toEqual({
      state: "dead",
      reason: "dependency a ended cancelled",
    });
  });
});

describe("assertValidDependencies", () => {
  const graph = new Map<string, Pick<Task, "id" | "state" | "dependsOn">>();
  const put = (id: string, state: TaskState, dependsOn: string[] = []) => graph.set(id, { id, state, dependsOn });
  put("a", "succeeded");
  put("b", "queued", ["a"]);
  put("dead", "dead");
  put("loop", "queued", ["new"]);
  const lookup = (id: string) => graph.get(id) ?? null;

  const problem = (taskId: string | null, dependsOn: string[]) => {
    try {
      assertValidDependencies(taskId, dependsOn, lookup);
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe("dependsOn");
      return (error as Error).message;
    }
  };

  it("accepts existing dependencies that can still succeed", () => {
    expect(problem("new", ["a", "b"])).toBeNull();
  });
  it("refuses an unknown id, the task itself, a doomed dependency and a cycle", () => {
    expect(problem("new", ["nope"])).toContain("ids of existing tasks");
    expect(problem("new", ["new"])).toContain("cannot wait for itself");
    expect(problem("new", ["dead"])).toContain("already ended dead");
    expect(problem("new", ["b", "loop"])).toContain("leads back to this task");
  });
  it("refuses a graph larger than the walk limit instead of walking it", () => {
    const chain = new Map<string, Pick<Task, "id" | "state" | "dependsOn">>();
    for (let i = 0; i <= DEPENDENCY_WALK_LIMIT + 5; i++)
      chain.set(`c${i}`, { id: `c${i}`, state: "queued", dependsOn: [`c${i + 1}`] });
    chain.set(`c${DEPENDENCY_WALK_LIMIT + 6}`, { id: "end", state: "queued", dependsOn: [] });
    expect(() => assertValidDependencies("new", ["c0"], (id) => chain.get(id) ?? null)).toThrow(/at most 1000 tasks/);
  });
});
