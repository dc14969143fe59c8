import { describe, expect, it } from "vitest";
import type { TickResult } from "../poll-loop.js";
import { IdleClock } from "./idle-clock.js";

function gate<T>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

describe("IdleClock", () => {
  it("counts only cycles that found nothing; a cycle in flight or one that claimed resets it", async () => {
    const clock = new IdleClock();
    const t0 = performance.now();
    expect(clock.idleForMs(t0 + 5000)).toBeGreaterThanOrEqual(4900);

    const claiming = gate<TickResult>();
    const running = clock.observe(() => claiming.promise)();
    expect(clock.idleForMs(performance.now() + 60_000)).toBe(0);
    claiming.open("busy");
    await running;
    const afterBusy = performance.now();
    expect(clock.idleForMs(afterBusy)).toBeLessThan(50);

    await clock.observe(async () => "idle")();
    expect(clock.idleForMs(afterBusy + 3000)).toBeGreaterThanOrEqual(2900);

    await expect(
      clock.observe(async () => {
        throw new Error("store unreachable");
      })(),
    ).rejects.toThrow("store unreachable");
    // A failed poll says nothing about the queue: not idle.
    expect(clock.idleForMs(performance.now())).toBeLessThan(50);
  });
});
