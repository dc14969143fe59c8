import { type AlertDelivery, type AlertEpisode, deliveryStateAt } from "@sentinel/coordination";
import { z } from "zod";
import { readAlertLog } from "../cache/alert-event-rows.js";
import { createTRPCRouter, viewerProcedure } from "../trpc.js";

function deliveryView(d: AlertDelivery, now: number) {
  return {
    transition: d.transition,
    channel: d.channel,
    state: deliveryStateAt(d, now),
    holder: d.holder && d.holder.until > now ? { actor: d.holder.actor, until: d.holder.until } : null,
    attempts: d.attempts.map((a) => ({
      at: a.at,
      ok: a.ok,
      status: a.status,
      error: a.error,
      retryAt: a.retryAt,
      by: a.actor,
    })),
    result: d.result,
  };
}

function episodeView(e: AlertEpisode, now: number) {
  return {
    id: e.id,
    code: e.code,
    subject: e.subject,
    severity: e.severity,
    message: e.message,
    state: e.resolvedId === null ? ("firing" as const) : ("resolved" as const),
    firedAt: e.firedAt,
    firedBy: e.firedBy,
    resolvedAt: e.resolvedAt,
    duplicates: e.duplicates,
    deliveries: e.deliveries.map((d) => deliveryView(d, now)),
  };
}

/** The alert history recorded in the store (fires, resolves, deliveries), newest first. */
export const alertsRouter = createTRPCRouter({
  list: viewerProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }))
    .query(({ ctx, input }) => {
      const now = ctx.syncer.storeNow();
      const log = readAlertLog(ctx.cache.db);
      return {
        now,
        channels: ctx.alertChannels,
        firing: log.open.size,
        total: log.episodes.length,
        alerts: log.episodes.slice(0, input.limit).map((e) => episodeView(e, now)),
      };
    }),
});
