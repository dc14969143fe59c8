import { describe, expect, it } from "vitest";
import {
  applyLimitChange,
  describeLimit,
  describeLimitWait,
  parseStartsLimit,
  startsLeft,
  type TypeLimit,
} from "../../src/domain/task-type-limit.js";
import { ValidationError } from "../../src/errors.js";

const limit: TypeLimit = {
  type: "deploy",
  maxRunning: 3,
  maxStarts: null,
  intervalMs: null,
  setBy: "operator:alice",
  setAt: 0,
};
const rate: TypeLimit = { ...limit, type: "github-api", maxRunning: null, maxStarts: 30, intervalMs: 60_000 };

describe("startsLeft", () => {
  it.each([
    ["a type without a limit", undefined, 50, 0, Number.POSITIVE_INFINITY],
    ["under the limit", limit, 1, 0, 2],
    ["at the limit", limit, 3, 0, 0],
    ["above a lowered limit: never negative", limit, 5, 0, 0],
    ["nothing running", limit, 0, 0, 3],
    ["starts limit alone, under it", rate, 100, 12, 18],
    ["starts limit reached", rate, 0, 30, 0],
    ["both: the tighter one", { ...limit, maxStarts: 10, intervalMs: 60_000 }, 1, 9, 1],
  ] as const)("%s", (_name, l, running, recentStarts, expected) => {
    expect(startsLeft(l, { running, recentStarts })).toBe(expected);
  });
});

describe("describeLimitWait", () => {
  it("names the type, the running count and the limit", () => {
    expect(describeLimitWait(limit, { running: 3, recentStarts: 0 })).toBe(
      "waiting for limit: 3/3 deploy tasks running",
    );
  });
  it("names the starts in the window for a starts limit", () => {
    expect(describeLimitWait(rate, { running: 0, recentStarts: 30 })).toBe(
      "waiting for limit: 30/30 github-api starts in the last 1m",
    );
  });
  it("is null while the limit does not hold the type back", () => {
    expect(describeLimitWait(limit, { running: 2, recentStarts: 99 })).toBeNull();
  });
});

describe("applyLimitChange", () => {
  it("keeps the field a change leaves out, clears one set to null, and drops an empty limit", () => {
    const both = applyLimitChange(limit, "deploy", { starts: { maxStarts: 5, intervalMs: 1000 } }, "op:b", 7);
    expect(both).toEqual({ ...limit, maxStarts: 5, intervalMs: 1000, setBy: "op:b", setAt: 7 });
    expect(applyLimitChange(both, "deploy", 4, "op:b", 8)).toMatchObject({ maxRunning: 4, maxStarts: 5 });
    expect(applyLimitChange(both, "deploy", { maxRunning: null }, "op:b", 8)).toMatchObject({
      maxRunning: null,
      maxStarts: 5,
    });
    expect(applyLimitChange(limit, "deploy", { maxRunning: null }, "op:b", 8)).toBeNull();
    expect(applyLimitChange(both, "deploy", null, "op:b", 8)).toBeNull();
  });
  it.each([
    [{ maxRunning: 0 }, "maxRunning"],
    [{ starts: { maxStarts: 0, intervalMs: 1000 } }, "starts.maxStarts"],
    [{ starts: { maxStarts: 3, intervalMs: 10 } }, "starts.intervalMs"],
  ])("refuses %j naming %s", (change, field) => {
    expect(() => applyLimitChange(null, "deploy", change, "op:b", 0)).toThrow(
      expect.objectContaining({ field }) as unknown as Error,
    );
  });
});

describe("parseStartsLimit", () => {
  it.each([
    ["30/1m", { maxStarts: 30, intervalMs: 60_000 }],
    ["5 / 30s", { maxStarts: 5, intervalMs: 30_000 }],
    ["100/1h", { maxStarts: 100, intervalMs: 3_600_000 }],
  ])("%s", (text, expected) => {
    expect(parseStartsLimit(text)).toEqual(expected);
  });
  it.each(["30", "0/1m", "30/1ms", "30/2d", "x/1m", "30/soon"])("refuses %s naming starts", (text) => {
    expect(() => parseStartsLimit(text)).toThrow(ValidationError);
    expect(() => parseStartsLimit(text)).toThrow(/starts/);
  });
});

describe("describeLimit", () => {
  it("lists both parts", () => {
    expect(describeLimit({ ...limit, maxStarts: 30, intervalMs: 60_000 })).toBe("at most 3 running, 30 starts per 1m");
  });
});
