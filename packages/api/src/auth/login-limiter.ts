import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/** Wrong tokens a client may send before it has to wait. */
export const FREE_FAILURES = 5;
/** Longest wait after repeated lock-outs. */
export const MAX_BLOCK_SECONDS = 15 * 60;
/** Wrong tokens per minute from everyone together: bounds guessing even from clients that rotate their address. */
export const GLOBAL_FAILURES_PER_MINUTE = 100;

export interface LoginLimiter {
  /**
   * How long this client must wait before its next attempt, or null when it may try now.
   * `everyone`: also wait out the overall limit (logins); bearer calls skip it, so that
   * someone guessing logins cannot stop every script that holds a valid token.
   */
  retryAfterMs(client: string, everyone: boolean): Promise<number | null>;
  failed(client: string): Promise<void>;
  succeeded(client: string): Promise<void>;
}

/**
 * Login attempt limit with exponential back-off, per client and overall. After
 * FREE_FAILURES wrong tokens a client is blocked for 2 s, then 4 s, 8 s … up to
 * MAX_BLOCK_SECONDS (the doubling remembers lock-outs for a day); a correct login clears it.
 * While blocked, even the right token is refused, so the block cannot be probed.
 */
export function createLoginLimiter(): LoginLimiter {
  const failures = new RateLimiterMemory({ keyPrefix: "login_failures", points: FREE_FAILURES, duration: 15 * 60 });
  const lockouts = new RateLimiterMemory({ keyPrefix: "login_lockouts", points: 1_000_000, duration: 24 * 3600 });
  const everyone = new RateLimiterMemory({ keyPrefix: "login_all", points: GLOBAL_FAILURES_PER_MINUTE, duration: 60 });
  const waitMs = (res: RateLimiterRes | null, points: number) =>
    res && res.consumedPoints > points ? res.msBeforeNext : 0;
  return {
    async retryAfterMs(client, includeEveryone) {
      const [mine, all] = await Promise.all([
        failures.get(client),
        includeEveryone ? everyone.get("all") : Promise.resolve(null),
      ]);
      const ms = Math.max(waitMs(mine, FREE_FAILURES), waitMs(all, GLOBAL_FAILURES_PER_MINUTE));
      return ms > 0 ? ms : null;
    },
    async failed(client) {
      await everyone.consume("all").catch((rejected: unknown) => {
        if (!(rejected instanceof RateLimiterRes)) throw rejected;
      });
      try {
        await failures.consume(client);
      } catch (rejected) {
        if (!(rejected instanceof RateLimiterRes)) throw rejected;
        const { consumedPoints: lockoutCount } = await lockouts.consume(client);
        await failures.block(client, Math.min(MAX_BLOCK_SECONDS, 2 ** lockoutCount));
      }
    },
    async succeeded(client) {
      await Promise.all([failures.delete(client), lockouts.delete(client)]);
    },
  };
}

/**
 * Who is asking: the first X-Forwarded-For entry (Next fills it from the socket when the
 * request has none; a proxy in front sets it), else "unknown". A client can forge it when
 * nothing in front overwrites it — the overall limit is what bounds that case.
 */
export function clientOf(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded ? forwarded.slice(0, 100) : "unknown";
}
