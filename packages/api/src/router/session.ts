import { createTRPCRouter, publicProcedure } from "../trpc.js";

export const sessionRouter = createTRPCRouter({
  /** Who the caller is, so the dashboard knows whether to offer login and the action buttons. */
  me: publicProcedure.query(({ ctx }) => ({
    operator: ctx.session?.operator ?? null,
    readOnlyView: ctx.readOnlyView,
  })),
});
