import { describe, expect, it } from "vitest";
import { TASK_STATES, TERMINAL_TASK_STATES } from "../../src/domain/task.js";
import {
  assertTaskAction,
  CLAIMABLE_TASK_STATES,
  canApplyTaskAction,
  TASK_TRANSITIONS,
  type TaskAction,
} from "../../src/domain/task-transitions.js";
import { IllegalTransitionError } from "../../src/errors.js";

describe("task transition table", () => {
  it("allows exactly the lifecycle's edges", () => {
    const actions = Object.keys(TASK_TRANSITIONS) as TaskAction[];
    const legal = actions.flatMap((action) =>
      TASK_STATES.filter((from) => canApplyTaskAction(action, from)).map(
        (from) => `${from} -${action}-> ${TASK_TRANSITIONS[action].to}`,
      ),
    );
    expect(legal.sort()).toEqual(
      [
        "queued -start-> running",
        "failed -start-> running",
        "running -succeed-> succeeded",
        "running -retry-> failed",
        "running -die-> dead",
        "queued -cancel-> cancelled",
        "running -cancel-> cancelled",
        "failed -cancel-> cancelled",
        "queued -doom-> dead",
        "failed -doom-> dead",
        "queued -edit-> queued",
        "queued -requeue-> queued",
        "running -requeue-> queued",
        "failed -requeue-> queued",
        "dead -requeue-> queued",
        "cancelled -requeue-> queued",
      ].sort(),
    );
  });

  it("claims from exactly the states a start is taken from, none of them terminal", () => {
    expect([...CLAIMABLE_TASK_STATES].sort()).toEqual(["failed", "queued"]);
    for (const state of CLAIMABLE_TASK_STATES) expect(TERMINAL_TASK_STATES).not.toContain(state);
  });

  it.each([
    ["start", "running", "running"],
    ["cancel", "succeeded", "cancelled"],
    ["cancel", "dead", "cancelled"],
    ["requeue", "succeeded", "queued"],
    ["succeed", "queued", "succeeded"],
  ] as const)("refuses %s from %s with a typed error naming %s", (action, from, target) => {
    const error = (() => {
      try {
        assertTaskAction("t1", action, from);
      } catch (thrown) {
        return thrown;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect((error as Error).message).toBe(`task t1: illegal transition ${from} → ${target}`);
  });

  it("names a caller's target instead of the landing state when given", () => {
    expect(() => assertTaskAction("t1", "succeed", "queued", "result stored")).toThrow(
      "task t1: illegal transition queued → result stored",
    );
    expect(() => assertTaskAction("t1", "start", "failed")).not.toThrow();
  });
});
