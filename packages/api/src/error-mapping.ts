import {
  IllegalTransitionError,
  LeaseLostError,
  NamespaceViolationError,
  NotFoundError,
  SentinelError,
  StaleFencingTokenError,
  ValidationError,
} from "@sentinel/coordination";
import { TRPCError } from "@trpc/server";

type Code = TRPCError["code"];

/**
 * Coordination errors carry their meaning in their class (and in `code`, which survives a
 * process boundary, e.g. from a store adapter running elsewhere).
 */
const BY_CODE: Record<string, Code> = {
  NOT_FOUND: "NOT_FOUND",
  ILLEGAL_TRANSITION: "CONFLICT",
  STALE_FENCING_TOKEN: "CONFLICT",
  LEASE_LOST: "CONFLICT",
  VALIDATION: "BAD_REQUEST",
  NAMESPACE_VIOLATION: "FORBIDDEN",
};

function codeOf(error: unknown): Code | null {
  if (error instanceof NotFoundError) return "NOT_FOUND";
  if (
    error instanceof IllegalTransitionError ||
    error instanceof StaleFencingTokenError ||
    error instanceof LeaseLostError
  )
    return "CONFLICT";
  if (error instanceof ValidationError) return "BAD_REQUEST";
  if (error instanceof NamespaceViolationError) return "FORBIDDEN";
  if (error instanceof SentinelError || (error instanceof Error && "code" in error && typeof error.code === "string")) {
    return BY_CODE[(error as Error & { code: string }).code] ?? null;
  }
  return null;
}

/** The tRPC error for a coordination error, or null when it is not one (a genuine 500). */
export function toTRPCError(error: unknown): TRPCError | null {
  if (error instanceof TRPCError) return error;
  const code = codeOf(error);
  return code ? new TRPCError({ code, message: (error as Error).message, cause: error }) : null;
}
