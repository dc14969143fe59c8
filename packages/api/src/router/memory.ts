import { MEMORY_NAMESPACES, NotFoundError } from "@sentinel/coordination";
import { z } from "zod";
import { getCachedMemory, listMemoryByPrefix, memoryNamespaceCounts } from "../cache/memory-queries.js";
import { createTRPCRouter, viewerProcedure } from "../trpc.js";

export const memoryRouter = createTRPCRouter({
  /** Every namespace, including empty ones, with its entry count. */
  namespaces: viewerProcedure.query(({ ctx }) => {
    const counts = new Map(memoryNamespaceCounts(ctx.cache.db).map((c) => [c.namespace, c.entries]));
    return MEMORY_NAMESPACES.map((namespace) => ({ namespace, entries: counts.get(namespace) ?? 0 }));
  }),

  list: viewerProcedure
    .input(
      z.object({
        prefix: z.string().max(300).default(""),
        limit: z.number().int().min(1).max(500).default(100),
        afterKey: z.string().max(300).nullish(),
      }),
    )
    .query(({ ctx, input }) => {
      const items = listMemoryByPrefix(ctx.cache.db, input.prefix, {
        limit: input.limit,
        afterKey: input.afterKey ?? null,
      });
      return { items, nextAfterKey: items.length === input.limit ? (items[items.length - 1]?.key ?? null) : null };
    }),

  get: viewerProcedure.input(z.object({ key: z.string().min(1).max(300) })).query(({ ctx, input }) => {
    const entry = getCachedMemory(ctx.cache.db, input.key);
    if (!entry) throw new NotFoundError("memory", input.key);
    return entry;
  }),
});
