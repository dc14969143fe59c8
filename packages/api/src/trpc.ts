/**
 * tRPC setup (the t3 split): context, transformer, error shape, and the procedure builders
 * every router uses.
 */
import { describeRoleRefusal, type Role, roleAllows, ValidationError } from "@sentinel/coordination";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { recordRefusal } from "./audited.js";
import type { TRPCContext } from "./context.js";
import { toTRPCError } from "./error-mapping.js";

export { type ControlPlaneCore, type CreateContextOptions, createTRPCContext, type TRPCContext } from "./context.js";

function describeZodError(error: ZodError): { message: string; fields: string[] } {
  const fields = error.issues.map((issue) => (issue.path.length ? issue.path.join(".") : "(input)"));
  const message = error.issues.map((issue, i) => `invalid ${fields[i]}: ${issue.message}`).join("; ");
  return { message, fields: [...new Set(fields)] };
}

/**
 * Every procedure declares the role it needs (`meta.role`); "public" is only for who-am-I.
 * router-roles.test.ts walks the router and fails on a procedure without one.
 */
export interface ProcedureMeta {
  role: Role | "public";
}

const t = initTRPC
  .context<TRPCContext>()
  .meta<ProcedureMeta>()
  .create({
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

const baseProcedure = t.procedure.use(mapErrors);

/** Who-am-I only: answers everyone (it is how the dashboard learns what to show). */
export const publicProcedure = baseProcedure.meta({ role: "public" });

/**
 * The one role check, one builder per level: no session → 401 (log in); a session whose
 * token's role is too low → 403 naming both roles, and a refused mutation is audited.
 */
function requireRole(needed: Role) {
  return baseProcedure.meta({ role: needed }).use(async ({ ctx, next, path, type, getRawInput }) => {
    const session = ctx.session;
    const anonymousRead = needed === "viewer" && ctx.readOnlyView;
    if (!session && !anonymousRead)
      throw new TRPCError({
        code: "UNAUTHORIZED",
        message:
          needed === "viewer"
            ? "login required (read-only viewing is disabled)"
            : describeRoleRefusal(null, needed, path),
      });
    if (session && !roleAllows(session.role, needed)) {
      const message = describeRoleRefusal(session.role, needed, path);
      if (type === "mutation") await recordRefusal(ctx, session, path, await getRawInput().catch(() => null), message);
      throw new TRPCError({ code: "FORBIDDEN", message });
    }
    return next({ ctx: { ...ctx, session } });
  });
}

/** Reads: any token, or anyone while read-only viewing is allowed (SENTINEL_READONLY_VIEW). */
export const viewerProcedure = requireRole("viewer");
/** Actions on tasks, workers, locks and queues. */
export const operatorProcedure = requireRole("operator").use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "login required" });
  return next({ ctx: { ...ctx, session: ctx.session } });
});
/** Tokens and settings. */
export const adminProcedure = requireRole("admin").use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "login required" });
  return next({ ctx: { ...ctx, session: ctx.session } });
});
