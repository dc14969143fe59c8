import { toEpochSeconds } from "./clock.js";
import { DEFAULT_PRIMARY_LIMIT, type PrimaryRateLimitOptions } from "./options.js";

export interface RateLimitStatus {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds when the window resets. */
  reset: number;
  resource: "core";
}

interface Window {
  used: number;
  resetAtMs: number;
}

/** GitHub's primary limit: a fixed budget per login per hour-long window. */
export class PrimaryRateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(
    options: PrimaryRateLimitOptions,
    private readonly now: () => number,
  ) {
    this.limit = options.limit ?? DEFAULT_PRIMARY_LIMIT;
    this.windowMs = options.windowMs ?? 3_600_000;
  }

  status(login: string): RateLimitStatus {
    const window = this.window(login);
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.used),
      used: window.used,
      reset: toEpochSeconds(window.resetAtMs),
      resource: "core",
    };
  }

  isExhausted(login: string): boolean {
    return this.window(login).used >= this.limit;
  }

  consume(login: string): void {
    const window = this.window(login);
    window.used = Math.min(this.limit, window.used + 1);
  }

  private window(login: string): Window {
    const key = login.toLowerCase();
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now >= window.resetAtMs) {
      window = { used: 0, resetAtMs: now + this.windowMs };
      this.windows.set(key, window);
    }
    return window;
  }
}

export function rateLimitHeaders(status: RateLimitStatus): Record<string, string> {
  return {
    "x-ratelimit-limit": String(status.limit),
    "x-ratelimit-remaining": String(status.remaining),
    "x-ratelimit-used": String(status.used),
    "x-ratelimit-reset": String(status.reset),
    "x-ratelimit-resource": status.resource,
  };
}
