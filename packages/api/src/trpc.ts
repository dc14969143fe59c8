/**
 * tRPC setup (the t3 split): context, transformer, error shape, and the procedure builders
 * every router uses.
 */
import { ValidationError } from "@sentinel/coordination";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { TRPCContext } from "./context.js";
import { toTRPCError } from "./error-mapping.js";

export { type ControlPlaneCore, type CreateContextOptions, createTRPCContext, type TRPCContext } from "./context.js";

function describeZodError(error: ZodError): { message: string; fields: string[] } {
  const fields = error.issues.map((issue) => (issue.path.length ? issue.path.join(".") : "(input)"));
  const message = error.issues.map((issue, i) => `invalid ${fields[i]}: ${issue.message}`).join("; ");
  return { message, fields: [...new Set(fields)] };
}

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? describeZodError(error.cause) : null;
    const fields = zod?.fields ?? (error.cause instanceof ValidationError ? [error.cause.field] : null);
    return {
      ...shape,
      message: zod?.message ?? shape.message,
      data: { ...shape.data, fields },
    };
  },
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 30_000 },
  },
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

/**
 * Typed coordination errors become tRPC codes (NOT_FOUND, CONFLICT, BAD_REQUEST) instead of
 * 500s, and input validation failures get a readable message naming each field — for
 * in-process callers too, not only in the HTTP error shape.
 */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof ZodError)
      throw new TRPCError({ code: "BAD_REQUEST", message: describeZodError(cause).message, cause });
    const mapped = toTRPCError(cause ?? result.error);
    if (mapped && mapped !== result.error) throw mapped;
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

/** Mutations: an operator session (cookie) or operator token (bearer) is required. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "operator login required" });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/** Reads: open to anyone when read-only viewing is allowed, otherwise to operators only. */
export const viewerProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.readOnlyView && !ctx.session)
    throw new TRPCError({ code: "UNAUTHORIZED", message: "operator login required (read-only viewing is disabled)" });
  return next();
});
