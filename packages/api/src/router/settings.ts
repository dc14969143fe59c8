import { isStrategyName, STRATEGY_NAMES, STRATEGY_SETTING_KEY, writeStrategy } from "@sentinel/coordination";
import { z } from "zod";
import { actorOf, audited } from "../audited.js";
import { adminProcedure, createTRPCRouter, viewerProcedure } from "../trpc.js";

export const settingsRouter = createTRPCRouter({
  get: viewerProcedure.query(async ({ ctx }) => {
    const stored = await ctx.store.getSetting(STRATEGY_SETTING_KEY);
    return {
      /** null: no live override; each worker uses its configured strategy. */
      strategy: stored !== null && isStrategyName(stored) ? stored : null,
      strategies: STRATEGY_NAMES,
      backend: ctx.store.backend,
      readOnlyView: ctx.readOnlyView,
      /** GitHub: this deployment's projected hourly spend on its token, and what the check found. */
      spendCheck: ctx.spendCheck,
    };
  }),

  setStrategy: adminProcedure.input(z.object({ strategy: z.enum(STRATEGY_NAMES) })).mutation(({ ctx, input }) =>
    audited(
      ctx,
      {
        action: "settings.strategy",
        target: STRATEGY_SETTING_KEY,
        before: async () => ({ strategy: await ctx.store.getSetting(STRATEGY_SETTING_KEY) }),
      },
      async () => ({
        strategy: await writeStrategy(ctx.store, input.strategy, actorOf(ctx)),
      }),
    ),
  ),
});
