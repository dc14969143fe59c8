/**
 * GitHub's documented rate limits for one token (docs/github-backend.md, *Budget*). GitHub
 * reports the primary limit in every answer's headers; it reports nothing about the
 * secondary limits, so these are the ceilings our own counts are judged against.
 */
export const GITHUB_RATE_LIMITS = {
  /** Requests per hour of a personal or fine-grained token (the primary limit). */
  primaryPerHour: 5_000,
  /** Requests per hour of a GitHub App installation at most (it grows with the installation's size). */
  appPrimaryPerHour: 12_500,
  /** Requests per hour of the GitHub Actions `GITHUB_TOKEN` (per repository). */
  actionsPrimaryPerHour: 1_000,
  /** Content-creating requests per minute and per hour (secondary; PATCH/DELETE budgeted as if they count). */
  secondaryPerMinute: 80,
  secondaryPerHour: 500,
} as const;

const HOUR = 3_600_000;

/** How long a token's budget lasts at the rate spent so far in its current primary window. */
export interface BudgetRunway {
  /** Milliseconds until `remaining` runs out at that rate; null when unknown (no headers yet), Infinity when nothing was spent. */
  runsOutInMs: number | null;
  /** The window resets before the budget runs out. */
  lastsUntilReset: boolean | null;
}

/**
 * The primary window is the hour that ends at `resetAt`: `used` requests were spent since it
 * began, so the rate is used / elapsed and the budget lasts remaining / rate.
 */
export function budgetRunway(
  primary: { remaining: number | null; used: number | null; resetAt: number | null },
  now: number,
): BudgetRunway {
  const { remaining, used, resetAt } = primary;
  if (remaining === null || used === null || resetAt === null) return { runsOutInMs: null, lastsUntilReset: null };
  const untilReset = Math.max(0, resetAt - now);
  const elapsed = HOUR - untilReset;
  if (used === 0 || elapsed <= 0) return { runsOutInMs: Number.POSITIVE_INFINITY, lastsUntilReset: true };
  const runsOutInMs = Math.round(remaining / (used / elapsed));
  return { runsOutInMs, lastsUntilReset: runsOutInMs >= untilReset };
}
