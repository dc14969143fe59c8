import { createAccessToken, revokeAccessToken, roleSchema, rotateAccessToken } from "@sentinel/coordination";
import { z } from "zod";
import { actorOf, audited } from "../audited.js";
import { adminProcedure, createTRPCRouter } from "../trpc.js";

const nameInput = z.object({ name: z.string().min(1).max(64) });

/**
 * Named access tokens (admin only). The plain token is returned once, by create and rotate;
 * the store keeps only its hash. This control plane re-reads the tokens right after a change,
 * so a revoked or rotated token's sessions end at once here (elsewhere within a refresh).
 */
export const tokensRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) =>
    ctx.auth.listTokens().map(({ hash: _hash, ...token }) => ({ ...token, revocable: token.source === "store" })),
  ),

  create: adminProcedure.input(nameInput.extend({ role: roleSchema })).mutation(({ ctx, input }) =>
    audited(ctx, { action: "token.create", target: input.name }, async () => {
      const reservedNames = ctx.auth
        .listTokens()
        .filter((t) => t.source === "env")
        .map((t) => t.name);
      const created = await createAccessToken(ctx.store, { ...input, actor: actorOf(ctx), reservedNames });
      await ctx.tokens.refresh();
      // The audit's "after" keeps top-level scalars: the secret sits one level down, out of it.
      return { name: created.record.name, role: created.record.role, secret: { token: created.token } };
    }),
  ),

  rotate: adminProcedure.input(nameInput).mutation(({ ctx, input }) =>
    audited(ctx, { action: "token.rotate", target: input.name }, async () => {
      const rotated = await rotateAccessToken(ctx.store, input.name, actorOf(ctx));
      await ctx.tokens.refresh();
      return { name: rotated.record.name, role: rotated.record.role, secret: { token: rotated.token } };
    }),
  ),

  revoke: adminProcedure.input(nameInput).mutation(({ ctx, input }) =>
    audited(ctx, { action: "token.revoke", target: input.name }, async () => {
      const revoked = await revokeAccessToken(ctx.store, input.name, actorOf(ctx));
      await ctx.tokens.refresh();
      return { name: revoked.name, role: revoked.role };
    }),
  ),
});
