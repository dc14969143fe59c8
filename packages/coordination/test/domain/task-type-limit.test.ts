import { describe, expect, it } from "vitest";
import { describeLimitWait, startsLeft, type TypeLimit } from "../../src/domain/task-type-limit.js";

const limit: TypeLimit = { type: "deploy", maxRunning: 3, setBy: "operator:alice", setAt: 0 };

describe("startsLeft", () => {
  it.each([
    ["a type without a limit", "echo", 50, Number.POSITIVE_INFINITY],
    ["under the limit", "deploy", 1, 2],
    ["at the limit", "deploy", 3, 0],
    ["above a lowered limit: never negative", "deploy", 5, 0],
    ["nothing running", "deploy", 0, 3],
  ] as const)("%s → %s", (_name, type, running, expected) => {
    expect(startsLeft(type, running, [limit])).toBe(expected);
  });
});

describe("describeLimitWait", () => {
  it("names the type, the running count and the limit", () => {
    expect(describeLimitWait(limit, 3)).toBe("waiting for limit: 3/3 deploy tasks running");
  });
});
