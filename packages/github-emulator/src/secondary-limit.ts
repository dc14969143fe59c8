import { toEpochSeconds } from "./clock.js";
import type { SecondaryShape } from "./faults.js";
import { HttpError } from "./http-error.js";
import { DEFAULT_SECONDARY_PER_HOUR, DEFAULT_SECONDARY_PER_MINUTE, type SecondaryRateLimitOptions } from "./options.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const SECONDARY_DOCS_URL =
  "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";

export const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

/**
 * GitHub's content-creation limit (≈80/min, ≈500/h per user), as sliding windows over
 * the times of accepted writes. GitHub does not document which writes count; every
 * mutating method counts here, which is the conservative reading.
 */
export class SecondaryRateLimiter {
  private readonly writes = new Map<string, number[]>();

  constructor(
    private readonly options: SecondaryRateLimitOptions | false,
    private readonly now: () => number,
  ) {}

  /** Seconds the caller must wait before its next write, or 0 if it may write now. */
  retryAfterSeconds(login: string): number {
    if (this.options === false) return 0;
    const times = this.recent(login);
    const now = this.now();
    const waits = [
      waitFor(times, now, MINUTE_MS, this.options.perMinute ?? DEFAULT_SECONDARY_PER_MINUTE),
      waitFor(times, now, HOUR_MS, this.options.perHour ?? DEFAULT_SECONDARY_PER_HOUR),
    ];
    const wait = Math.max(...waits);
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  record(login: string): void {
    if (this.options === false) return;
    this.recent(login).push(this.now());
  }

  get status(): 403 | 429 {
    return this.options === false ? 403 : (this.options.status ?? 403);
  }

  private recent(login: string): number[] {
    const key = login.toLowerCase();
    const cutoff = this.now() - HOUR_MS;
    const times = (this.writes.get(key) ?? []).filter((time) => time > cutoff);
    this.writes.set(key, times);
    return times;
  }
}

/** Milliseconds until the window holds fewer than `limit` writes (0 if it already does). */
function waitFor(times: number[], now: number, windowMs: number, limit: number): number {
  const inWindow = times.filter((time) => time > now - windowMs);
  if (inWindow.length < limit) return 0;
  const oldestThatMustExpire = inWindow[inWindow.length - limit];
  return oldestThatMustExpire === undefined ? 0 : oldestThatMustExpire + windowMs - now;
}

export interface SecondaryRefusal {
  status: 403 | 429;
  shape: SecondaryShape;
  retryAfterSeconds: number;
  requestId: string;
  nowMs: number;
}

/**
 * A secondary-limit refusal in one of GitHub's shapes (see faults.ts, `secondaryShape`).
 * `x-ratelimit-*` headers set here win over the primary limit's (server.ts).
 */
export function secondaryLimitError({
  status,
  shape,
  retryAfterSeconds,
  requestId,
  nowMs,
}: SecondaryRefusal): HttpError {
  const wait = Math.max(1, retryAfterSeconds);
  if (shape === "tooQuickly")
    return new HttpError(422, "Validation Failed", {
      errors: [{ resource: "IssueComment", code: "custom", field: "body", message: "was submitted too quickly" }],
    });
  const headers: Record<string, string> =
    shape === "retryAfter"
      ? { "retry-after": String(wait) }
      : shape === "reset"
        ? { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(toEpochSeconds(nowMs + wait * 1000)) }
        : {};
  return new HttpError(
    status,
    `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
    { documentationUrl: SECONDARY_DOCS_URL, headers },
  );
}
