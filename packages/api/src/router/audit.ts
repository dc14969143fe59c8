import { auditFilterSchema } from "@sentinel/coordination";
import { createTRPCRouter, viewerProcedure } from "../trpc.js";

export const auditRouter = createTRPCRouter({
  /**
   * The store's durable audit (the same on every control plane, kept across cache rebuilds),
   * newest first; filter by actor, action (exact, or a prefix ending in "."), target and
   * store-clock time; pass the last id as `beforeId` for the next page.
   */
  list: viewerProcedure.input(auditFilterSchema.partial({ limit: true }).default({})).query(async ({ ctx, input }) => {
    const limit = input.limit ?? 100;
    const items = await ctx.store.listAudit({ ...input, limit });
    return { items, nextBeforeId: items.length === limit ? (items[items.length - 1]?.id ?? null) : null };
  }),
});
