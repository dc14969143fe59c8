import { describe, expect, it } from "vitest";
import {
  alertKey,
  deliveryDueAt,
  deliveryStateAt,
  foldAlertLog,
  MAX_DELIVERY_ATTEMPTS,
} from "../../src/domain/alert-log.js";
import type { EventKind, StoreEvent } from "../../src/domain/events.js";

let nextId = 1;
const ev = (kind: EventKind, at: number, data: Record<string, unknown>, actor = "cp-a"): StoreEvent => ({
  id: nextId++,
  at,
  kind,
  taskId: null,
  workerId: null,
  actor,
  data,
});
const fired = (at: number, actor = "cp-a") =>
  ev("alert.fired", at, { code: "workers_offline", subject: null, severity: "critical", message: "w1 offline" }, actor);
const claim = (transitionId: number, at: number, actor = "cp-a", leaseMs = 1_000) =>
  ev("alert.delivery_claimed", at, { transitionId, channel: "webhook", leaseMs }, actor);
const attempt = (transitionId: number, claimId: number, at: number, ok: boolean, retryInMs = 500) =>
  ev("alert.delivery_attempted", at, {
    transitionId,
    claimId,
    ok,
    status: ok ? 200 : 500,
    error: ok ? null : "HTTP 500",
    retryInMs,
  });

describe("the alert log fold", () => {
  it("opens one episode per condition: the lowest fired id counts, later ones are duplicates", () => {
    const first = fired(100, "cp-a");
    const second = fired(101, "cp-b");
    const log = foldAlertLog([second, first]);
    expect(log.episodes).toHaveLength(1);
    expect(log.episodes[0]).toMatchObject({ id: first.id, firedBy: "cp-a", duplicates: 1 });
    const resolved = ev("alert.resolved", 200, { firedId: first.id });
    const again = ev("alert.resolved", 201, { firedId: first.id }, "cp-b");
    const after = foldAlertLog([first, second, resolved, again]);
    expect(after.open.size).toBe(0);
    expect(after.episodes[0]).toMatchObject({ resolvedId: resolved.id, resolvedAt: 200 });
    // A new fire after the resolve is a new episode.
    const refire = fired(300);
    expect(foldAlertLog([first, second, resolved, again, refire]).open.get(alertKey("workers_offline", null))?.id).toBe(
      refire.id,
    );
  });

  it("gives a delivery to the first claim; a claim during its lease and an attempt under it are ignored", () => {
    const f = fired(100);
    const c1 = claim(f.id, 110, "cp-a");
    const c2 = claim(f.id, 120, "cp-b");
    const byLoser = attempt(f.id, c2.id, 130, true);
    const log = foldAlertLog([f, c1, c2, byLoser]);
    const d = log.episodes[0]!.deliveries[0]!;
    expect(d.holder).toMatchObject({ claimId: c1.id, actor: "cp-a", until: 1_110 });
    expect(d.attempts).toEqual([]);
    expect(deliveryStateAt(d, 500)).toBe("delivering");
    // The holder died: after its lease the delivery is open again and the next claim takes it.
    expect(deliveryStateAt(d, 1_110)).toBe("pending");
    expect(deliveryDueAt(d, 1_110)).toBe(true);
    const c3 = claim(f.id, 1_200, "cp-b");
    const late = attempt(f.id, c1.id, 1_250, true);
    const ok = attempt(f.id, c3.id, 1_300, true);
    const d2 = foldAlertLog([f, c1, c2, byLoser, c3, late, ok]).episodes[0]!.deliveries[0]!;
    expect(d2.attempts.map((a) => a.claimId)).toEqual([c3.id]);
    expect(d2.state).toBe("delivered");
    expect(deliveryDueAt(d2, 99_999)).toBe(false);
  });

  it("reopens a failed delivery at its retry time, counted from the attempt's store time, and gives up at the cap", () => {
    const f = fired(100);
    const events: StoreEvent[] = [f];
    let at = 200;
    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS; i++) {
      const c = claim(f.id, at);
      events.push(c, attempt(f.id, c.id, at + 10, false));
      const d = foldAlertLog(events).episodes[0]!.deliveries[0]!;
      if (i < MAX_DELIVERY_ATTEMPTS - 1) {
        expect(d.state).toBe("retrying");
        expect(d.attempts.at(-1)!.retryAt).toBe(at + 10 + 500);
        expect(deliveryDueAt(d, at + 509)).toBe(false);
        expect(deliveryDueAt(d, at + 510)).toBe(true);
        // A claim before the retry time does not take it.
        expect(foldAlertLog([...events, claim(f.id, at + 100)]).episodes[0]!.deliveries[0]!.holder).toBeNull();
      } else {
        expect(d.state).toBe("gave_up");
        expect(deliveryDueAt(d, at + 99_999)).toBe(false);
      }
      at += 1_000;
    }
  });
});
