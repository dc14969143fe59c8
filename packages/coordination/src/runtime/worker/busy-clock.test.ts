import { describe, expect, it } from "vitest";
import { BusyClock } from "./busy-clock.js";

describe("BusyClock", () => {
  it("counts only the time with at least one task running, including the span running now", () => {
    const clock = new BusyClock();
    clock.count(1, 100);
    clock.count(2, 150);
    clock.count(1, 180);
    clock.count(0, 300);
    expect(clock.busyMs(1_000)).toBe(200);
    clock.count(0, 1_100);
    clock.count(3, 2_000);
    expect(clock.busyMs(2_250)).toBe(450);
  });
});
