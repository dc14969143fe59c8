import { z } from "zod";
import { listAudit } from "../cache/audit-log.js";
import { createTRPCRouter, viewerProcedure } from "../trpc.js";

export const auditRouter = createTRPCRouter({
  /** Newest first; pass the last id as `beforeId` for the next page. */
  list: viewerProcedure
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(500).default(100),
          beforeId: z.number().int().positive().nullish(),
        })
        .default({ limit: 100 }),
    )
    .query(({ ctx, input }) => {
      const items = listAudit(ctx.cache.db, { limit: input.limit, beforeId: input.beforeId ?? null });
      return { items, nextBeforeId: items.length === input.limit ? (items[items.length - 1]?.id ?? null) : null };
    }),
});
