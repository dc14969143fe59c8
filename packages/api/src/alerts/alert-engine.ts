import {
  type AlertCode,
  type AlertDelivery,
  type AlertEpisode,
  type AlertLog,
  type AlertTransition,
  alertKey,
  coerceError,
  deliveryBackoffMs,
  deliveryDueAt,
} from "@sentinel/coordination";
import { ALERT_LOG_KINDS, readAlertLog, recordAlertEvent } from "../cache/alert-event-rows.js";
import type { ControlPlaneCore } from "../context.js";
import type { AlertNotice, AlertSender } from "./alert-notice.js";
import { currentAlerts, offlineWorkerIds } from "./current-alerts.js";

/**
 * Rules whose fire and resolve are recorded in the store and delivered. Not `stale_workers`
 * (a passing state: the same worker goes on to `workers_offline`, or comes back) nor
 * `sync_error` (one control plane's own trouble, which another would "resolve").
 */
export const DELIVERED_ALERT_CODES: ReadonlySet<AlertCode> = new Set<AlertCode>([
  "workers_offline",
  "tasks_dead",
  "queue_age",
  "budget_low",
  "no_worker_for_type",
  "no_live_workers",
  "tasks_stalled",
]);

/** Delivered `workers_offline` alerts are per worker (fire when it goes, resolve when it is back or removed), up to this many. */
const MAX_OFFLINE_ALERTS = 1_000;

/** A transition older than this when first seen undelivered is not sent (a webhook added later does not replay history). */
const MAX_DELIVERY_AGE_MS = 24 * 3_600_000;

export interface AlertEngineOptions {
  core: Pick<ControlPlaneCore, "store" | "cache" | "syncer" | "stallAlertMs" | "queueAgeAlertMs" | "deadAlertWindowMs">;
  senders: readonly AlertSender[];
  /** Written as each event's actor (who recorded or delivered). */
  actor: string;
  resolveAfterMs: number;
  retryBaseMs: number;
  /** How long a claim holds a delivery: the send's timeout plus the store's visibility lag, with room. */
  claimLeaseMs: number;
  onError?: (error: Error) => void;
}

export interface AlertEngine {
  /** One pass: record fires/resolves, claim due deliveries, send those this engine holds. */
  tick(): Promise<void>;
}

export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const { core, senders, actor } = options;
  /** Since when (store clock) this engine has seen each open alert's condition absent. */
  const absentSince = new Map<string, number>();
  /** Claims this engine appended: a claim's actor is not proof (two engines may share a host and pid). */
  /** Claims this control plane wrote, until when they can still hold (a lost one is forgotten then). */
  const myClaims = new Map<number, number>();
  /** Per delivery, until when (local clock) a claim of ours may still become visible: no second claim meanwhile. */
  const pendingClaims = new Map<string, number>();

  // A GitHub log read from 0 starts at the store's history horizon: alerts still open from
  // before it would look new and fire again. So before judging anything, read the whole log
  // once (an id above 0 makes the store load its full history) and keep its alert events.
  let backfilled = core.store.backend !== "github";
  async function backfill(): Promise<void> {
    const BATCH = 1_000;
    let after = 1;
    for (;;) {
      const batch = await core.store.readEvents(after, BATCH);
      for (const event of batch) if (ALERT_LOG_KINDS.has(event.kind)) recordAlertEvent(core.cache.db, event);
      const last = batch.at(-1);
      if (!last || batch.length < BATCH) break;
      after = last.id;
    }
    backfilled = true;
  }

  const readLog = (): AlertLog => readAlertLog(core.cache.db);
  const append = (kind: Parameters<typeof core.store.appendEvent>[0]["kind"], data: Record<string, unknown>) =>
    core.store.appendEvent({ kind, taskId: null, workerId: null, actor, data });

  async function recordTransitions(log: AlertLog, now: number): Promise<boolean> {
    let wrote = false;
    const active = currentAlerts(core, now).filter(
      (a) => DELIVERED_ALERT_CODES.has(a.code) && a.code !== "workers_offline",
    );
    for (const id of offlineWorkerIds(core.cache.db, MAX_OFFLINE_ALERTS))
      active.push({
        severity: "critical",
        code: "workers_offline",
        subject: id,
        message: `worker ${id} is OFFLINE: its lease ran out and its work was recovered`,
      });
    const activeKeys = new Set<string>();
    for (const alert of active) {
      const key = alertKey(alert.code, alert.subject);
      activeKeys.add(key);
      absentSince.delete(key);
      if (log.open.has(key)) continue;
      await append("alert.fired", {
        code: alert.code,
        subject: alert.subject,
        severity: alert.severity,
        message: alert.message,
      });
      wrote = true;
    }
    for (const [key, episode] of log.open) {
      if (activeKeys.has(key)) continue;
      const since = absentSince.get(key) ?? now;
      absentSince.set(key, since);
      if (now - since < options.resolveAfterMs) continue;
      await append("alert.resolved", { firedId: episode.id, code: episode.code, subject: episode.subject });
      absentSince.delete(key);
      wrote = true;
    }
    for (const key of absentSince.keys()) if (!log.open.has(key)) absentSince.delete(key);
    return wrote;
  }

  function transitionsOf(episode: AlertEpisode): Array<{ id: number; at: number; transition: AlertTransition }> {
    const list: Array<{ id: number; at: number; transition: AlertTransition }> = [
      { id: episode.id, at: episode.firedAt, transition: "fired" },
    ];
    if (episode.resolvedId !== null && episode.resolvedAt !== null)
      list.push({ id: episode.resolvedId, at: episode.resolvedAt, transition: "resolved" });
    return list;
  }

  const finished = (d: AlertDelivery | undefined) => d?.state === "delivered" || d?.state === "gave_up";

  /** Each (transition, channel) that is due now and not yet finished, with its delivery so far. */
  function* work(log: AlertLog, now: number) {
    for (const episode of log.episodes) {
      for (const t of transitionsOf(episode)) {
        for (const sender of senders) {
          const delivery = episode.deliveries.find((d) => d.transitionId === t.id && d.channel === sender.channel);
          if (finished(delivery)) continue;
          if (!delivery && now - t.at > MAX_DELIVERY_AGE_MS) continue;
          if (t.transition === "resolved") {
            // A resolve goes out after its fire (delivered or given up) on the same channel.
            const fire = episode.deliveries.find((d) => d.transitionId === episode.id && d.channel === sender.channel);
            if (!finished(fire) && !(fire === undefined && now - episode.firedAt > MAX_DELIVERY_AGE_MS)) continue;
          }
          yield { episode, t, sender, delivery };
        }
      }
    }
  }

  async function claimDue(log: AlertLog, now: number): Promise<boolean> {
    let wrote = false;
    for (const [claimId, until] of myClaims) if (until < Date.now()) myClaims.delete(claimId);
    for (const { t, sender, delivery } of work(log, now)) {
      if (delivery && !deliveryDueAt(delivery, now)) continue;
      const pendingKey = `${t.id}:${sender.channel}`;
      if ((pendingClaims.get(pendingKey) ?? 0) > Date.now()) continue;
      pendingClaims.set(pendingKey, Date.now() + options.claimLeaseMs);
      const claim = await append("alert.delivery_claimed", {
        transitionId: t.id,
        channel: sender.channel,
        leaseMs: options.claimLeaseMs,
      });
      myClaims.set(claim.id, Date.now() + 2 * options.claimLeaseMs);
      wrote = true;
    }
    return wrote;
  }

  async function sendHeld(log: AlertLog, now: number): Promise<boolean> {
    let wrote = false;
    for (const { episode, t, sender, delivery } of work(log, now)) {
      const holder = delivery?.holder;
      if (!delivery || !holder || !myClaims.has(holder.claimId)) continue;
      myClaims.delete(holder.claimId);
      pendingClaims.delete(`${t.id}:${sender.channel}`);
      // Too little lease left to finish before another control plane may claim: let it lapse.
      if (holder.until - core.syncer.storeNow() <= sender.timeoutMs + 2_000) continue;
      const fire = episode.deliveries.find((d) => d.transitionId === episode.id && d.channel === sender.channel);
      const notice: AlertNotice = {
        transition: t.transition,
        transitionId: t.id,
        at: t.at,
        episode,
        firedResult: fire?.result ?? null,
      };
      const outcome = await sender.send(notice);
      const failures = delivery.attempts.filter((a) => !a.ok).length + (outcome.ok ? 0 : 1);
      await append("alert.delivery_attempted", {
        transitionId: t.id,
        channel: sender.channel,
        claimId: holder.claimId,
        ok: outcome.ok,
        status: outcome.status,
        error: outcome.error,
        retryInMs: outcome.ok ? null : deliveryBackoffMs(failures, options.retryBaseMs),
        ...(outcome.result ? { result: outcome.result } : {}),
      });
      wrote = true;
    }
    return wrote;
  }

  return {
    async tick() {
      try {
        if (!backfilled) await backfill();
        await core.syncer.syncOnce();
        let now = core.syncer.storeNow();
        let log = readLog();
        const recorded = await recordTransitions(log, now);
        if (recorded) {
          await core.syncer.syncOnce();
          log = readLog();
        }
        if (senders.length === 0) return;
        const local = Date.now();
        for (const [key, until] of pendingClaims) if (until <= local) pendingClaims.delete(key);
        if (await claimDue(log, now)) {
          // Where the store shows a write at once (SQLite), the claim is judged and used in this pass.
          await core.syncer.syncOnce();
          now = core.syncer.storeNow();
          log = readLog();
        }
        if (await sendHeld(log, now)) await core.syncer.syncOnce();
      } catch (error) {
        options.onError?.(coerceError(error));
      }
    },
  };
}
