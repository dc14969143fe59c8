import type { StoreEvent } from "./events.js";

/**
 * The alert history every control plane derives, identically, from the `alert.*` events of
 * the store's log (ordered by id, the store's order). Several control planes judge the same
 * rules, so a condition's start may be recorded more than once; the fold makes the store's
 * order decide:
 *
 * - an episode opens with the lowest-id `alert.fired` of its key (code + subject) while the
 *   key has no open episode; later ones are duplicates and are ignored;
 * - it closes with the first `alert.resolved` naming that episode's fired id;
 * - each transition (fire, resolve) is delivered once per channel: control planes append
 *   `alert.delivery_claimed`, and a claim holds the delivery only if, at its own store time,
 *   no earlier claim held it (a holder's hold ends when its lease runs out or its attempt is
 *   recorded). A claim's event id is its fencing token: an attempt counts only under the
 *   claim that holds. After a failed attempt the delivery is open again at its `retryAt`.
 */

export type AlertChannel = "webhook" | "github_issue";
export type AlertTransition = "fired" | "resolved";
export type AlertSeverity = "warning" | "critical";

export interface DeliveryAttempt {
  claimId: number;
  at: number;
  ok: boolean;
  /** HTTP status, when one came back. */
  status: number | null;
  error: string | null;
  /** When the next attempt may start (failed attempts that will be retried). */
  retryAt: number | null;
  actor: string;
}

export interface AlertDelivery {
  /** The canonical `alert.fired` / `alert.resolved` event this delivers. */
  transitionId: number;
  transition: AlertTransition;
  channel: AlertChannel;
  state: "pending" | "delivering" | "delivered" | "retrying" | "gave_up";
  /** The claim that holds it now (delivering), with its lease end (store clock). */
  holder: { claimId: number; at: number; until: number; actor: string } | null;
  attempts: DeliveryAttempt[];
  /** Extra data the channel recorded on success (GitHub: the issue number). */
  result: Record<string, unknown> | null;
}

export interface AlertEpisode {
  /** The canonical `alert.fired` event id: the alert's id. */
  id: number;
  key: string;
  code: string;
  subject: string | null;
  severity: AlertSeverity;
  message: string;
  firedAt: number;
  firedBy: string;
  resolvedId: number | null;
  resolvedAt: number | null;
  /** `alert.fired` events of other control planes for the same episode (ignored). */
  duplicates: number;
  deliveries: AlertDelivery[];
}

export interface AlertLog {
  /** Newest first. */
  episodes: AlertEpisode[];
  /** The open episode of each key. */
  open: Map<string, AlertEpisode>;
}

/** After this many failed attempts a delivery is given up (about 2 h of back-off from 5 s). */
export const MAX_DELIVERY_ATTEMPTS = 12;

export function alertKey(code: string, subject: string | null): string {
  return subject === null ? code : `${code}:${subject}`;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function deliveryOf(
  episode: AlertEpisode,
  transitionId: number,
  transition: AlertTransition,
  channel: AlertChannel,
): AlertDelivery {
  let d = episode.deliveries.find((x) => x.transitionId === transitionId && x.channel === channel);
  if (!d) {
    d = { transitionId, transition, channel, state: "pending", holder: null, attempts: [], result: null };
    episode.deliveries.push(d);
  }
  return d;
}

/** A claim at `at` takes the delivery if it is open then: not finished, due, and no live holder. */
function openAt(d: AlertDelivery, at: number): boolean {
  if (d.state === "delivered" || d.state === "gave_up") return false;
  if (d.holder && d.holder.until > at) return false;
  const last = d.attempts.at(-1);
  return !(last?.retryAt != null && last.retryAt > at);
}

export function foldAlertLog(events: readonly StoreEvent[]): AlertLog {
  const byId = new Map<number, AlertEpisode>();
  const byTransition = new Map<number, { episode: AlertEpisode; transition: AlertTransition }>();
  const open = new Map<string, AlertEpisode>();
  const sorted = [...events].sort((a, b) => a.id - b.id);
  for (const e of sorted) {
    const d = e.data;
    if (e.kind === "alert.fired") {
      const code = str(d.code);
      if (!code) continue;
      const subject = str(d.subject);
      const key = alertKey(code, subject);
      const current = open.get(key);
      if (current) {
        current.duplicates += 1;
        continue;
      }
      const episode: AlertEpisode = {
        id: e.id,
        key,
        code,
        subject,
        severity: d.severity === "critical" ? "critical" : "warning",
        message: str(d.message) ?? code,
        firedAt: e.at,
        firedBy: e.actor,
        resolvedId: null,
        resolvedAt: null,
        duplicates: 0,
        deliveries: [],
      };
      byId.set(e.id, episode);
      byTransition.set(e.id, { episode, transition: "fired" });
      open.set(key, episode);
    } else if (e.kind === "alert.resolved") {
      const episode = byId.get(num(d.firedId) ?? -1);
      if (!episode || episode.resolvedId !== null) continue;
      episode.resolvedId = e.id;
      episode.resolvedAt = e.at;
      byTransition.set(e.id, { episode, transition: "resolved" });
      open.delete(episode.key);
    } else if (e.kind === "alert.delivery_claimed") {
      const transitionId = num(d.transitionId) ?? -1;
      const target = byTransition.get(transitionId);
      const channel = d.channel === "github_issue" ? "github_issue" : d.channel === "webhook" ? "webhook" : null;
      const leaseMs = num(d.leaseMs);
      if (!target || !channel || leaseMs === null) continue;
      const delivery = deliveryOf(target.episode, transitionId, target.transition, channel);
      if (!openAt(delivery, e.at)) continue;
      delivery.holder = { claimId: e.id, at: e.at, until: e.at + leaseMs, actor: e.actor };
      delivery.state = "delivering";
    } else if (e.kind === "alert.delivery_attempted") {
      const target = byTransition.get(num(d.transitionId) ?? -1);
      const claimId = num(d.claimId);
      if (!target || claimId === null) continue;
      const delivery = target.episode.deliveries.find(
        (x) => x.transitionId === num(d.transitionId) && x.holder?.claimId === claimId,
      );
      // Fenced: only the claim that holds may record an attempt (a late one after its lease is ignored).
      if (!delivery?.holder || delivery.holder.until <= e.at) continue;
      const ok = d.ok === true;
      const failures = delivery.attempts.filter((a) => !a.ok).length + (ok ? 0 : 1);
      const giveUp = !ok && failures >= MAX_DELIVERY_ATTEMPTS;
      delivery.attempts.push({
        claimId,
        at: e.at,
        ok,
        status: num(d.status),
        error: str(d.error),
        // The store's clock decides: the back-off counts from the attempt's own record.
        retryAt: ok || giveUp ? null : e.at + (num(d.retryInMs) ?? 0),
        actor: e.actor,
      });
      delivery.holder = null;
      delivery.state = ok ? "delivered" : giveUp ? "gave_up" : "retrying";
      if (ok && d.result && typeof d.result === "object") delivery.result = d.result as Record<string, unknown>;
    }
  }
  return { episodes: [...byId.values()].sort((a, b) => b.id - a.id), open };
}

/** A delivery's state as seen at store time `now` (a holder whose lease ran out no longer delivers). */
export function deliveryStateAt(d: AlertDelivery, now: number): AlertDelivery["state"] {
  if (d.state === "delivering" && d.holder && d.holder.until <= now)
    return d.attempts.length > 0 ? "retrying" : "pending";
  return d.state;
}

/** Whether a new claim at `now` could take the delivery. */
export function deliveryDueAt(d: AlertDelivery, now: number): boolean {
  return openAt(d, now);
}

/** Back-off after the n-th failed attempt (1-based): 5 s doubling, at most 15 min. */
export function deliveryBackoffMs(failures: number, baseMs = 5_000): number {
  return Math.min(15 * 60_000, baseMs * 2 ** Math.max(0, failures - 1));
}
