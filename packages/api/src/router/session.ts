import { createTRPCRouter, publicProcedure } from "../trpc.js";

export const sessionRouter = createTRPCRouter({
  /** Who the caller is and its role, so the dashboard offers login and only the actions the role may use. */
  me: publicProcedure.query(({ ctx }) => ({
    operator: ctx.session?.operator ?? null,
    role: ctx.session?.role ?? null,
    readOnlyView: ctx.readOnlyView,
  })),
});
