import { SentinelError } from "../errors.js";
import { transientPostgresCause } from "./postgres/postgres-errors.js";
import { isBusyError } from "./sqlite/busy.js";

/** A store error that says the store is briefly unavailable, not that the request is wrong. */
export interface TransientStoreError {
  /** What went wrong, for a log line (never a secret: status, code and the server's message). */
  cause: string;
  /** The server said how long to wait (retry-after, or a rate limit's reset); 0 when it did not. */
  waitAtLeastMs: number;
}

interface HttpLikeError {
  status?: unknown;
  message?: unknown;
  code?: unknown;
  response?: { headers?: Record<string, string | number | undefined> };
}

/**
 * Transient: GitHub 5xx (Octokit reports a request that got no answer — refused connection,
 * timeout — as status 500 too), a 429, a 403 that is a secondary or primary rate limit (it
 * carries `retry-after`, `x-ratelimit-remaining: 0` or says so), a 422 "submitted too
 * quickly", SQLite's BUSY/LOCKED, and a Postgres server that is restarting or unreachable. Everything else is permanent: the store's typed answers
 * (SentinelError: configuration, validation, cluster full), 401 bad credentials, 404 unknown
 * repository, 403 without a limit.
 */
export function transientStoreError(error: unknown): TransientStoreError | null {
  if (error instanceof SentinelError) return null;
  if (isBusyError(error)) return { cause: `SQLite ${(error as { code: string }).code}`, waitAtLeastMs: 0 };
  const postgres = transientPostgresCause(error);
  if (postgres) return { cause: postgres, waitAtLeastMs: 0 };
  const http = (error ?? {}) as HttpLikeError;
  const status = typeof http.status === "number" ? http.status : null;
  if (status === null) return null;
  const message = typeof http.message === "string" ? http.message : "";
  const cause = `HTTP ${status}${message ? `: ${message}` : ""}`;
  if (status >= 500) return { cause, waitAtLeastMs: 0 };
  const headers = http.response?.headers ?? {};
  const limited =
    status === 429 ||
    (status === 403 &&
      (headers["retry-after"] !== undefined ||
        String(headers["x-ratelimit-remaining"]) === "0" ||
        /rate limit/i.test(message))) ||
    (status === 422 && /too quickly/i.test(message));
  return limited ? { cause, waitAtLeastMs: serverWaitMs(headers) } : null;
}

/** retry-after (seconds), else a primary limit's reset measured against the response's own Date (the server's clock). */
function serverWaitMs(headers: Record<string, string | number | undefined>): number {
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  const reset = Number(headers["x-ratelimit-reset"]);
  const date = Date.parse(String(headers.date));
  if (!Number.isFinite(reset) || !Number.isFinite(date)) return 0;
  return Math.max(0, reset * 1000 - date);
}
