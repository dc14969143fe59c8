import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import Bottleneck from "bottleneck";
import type { ResolvedGithubStoreOptions } from "../options.js";
import type { BudgetMeter } from "./budget-meter.js";
import { credentialId, octokitAuth } from "./credentials.js";
import { secondaryLimitWaitSeconds } from "./secondary-backoff.js";
import type { ServerClock } from "./server-clock.js";

const SentinelOctokit = Octokit.plugin(throttling, retry);
export type GithubClient = InstanceType<typeof SentinelOctokit>;

export interface CreateClientOptions {
  options: ResolvedGithubStoreOptions;
  meter: BudgetMeter;
  clock: ServerClock;
}

/**
 * Octokit with plugin-throttling (write spacing, primary limit handling) and plugin-retry
 * (5xx / timeouts). Added here is the transport: a fetch that enforces a timeout, counts
 * every HTTP exchange (retries included), feeds the `Date` header to the store clock, and
 * waits out secondary limits in every shape GitHub sends them (secondary-backoff.ts).
 */
export function createGithubClient({ options, meter, clock }: CreateClientOptions): GithubClient {
  const timing = options.throttle;
  const meteredFetch: typeof fetch = async (input, init) => {
    const method = (init?.method ?? "GET").toUpperCase();
    const timeout = AbortSignal.timeout(timing.requestTimeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal });
    } catch (error) {
      meter.recordNoResponse(method);
      throw error;
    }
    clock.observeDateHeader(response.headers.get("date") ?? undefined);
    meter.recordResponse(method, response.status, Object.fromEntries(response.headers.entries()));
    return response;
  };
  // A refused request took no effect (Octokit sends string bodies, so it can be sent again).
  const backedOffFetch: typeof fetch = async (input, init) => {
    for (let attempt = 0; ; attempt += 1) {
      const response = await meteredFetch(input, init);
      // Before calibration (the probe's own request) the local clock is all there is.
      const now = clock.offset() === null ? Date.now() : clock.now();
      const waitSeconds = await secondaryLimitWaitSeconds(response, attempt, now);
      if (waitSeconds === null || attempt >= timing.rateLimitRetries) return response;
      meter.recordSecondaryLimit(waitSeconds);
      options.log?.("warn", "GitHub secondary rate limit hit; backing off", {
        status: response.status,
        retryAfterSeconds: waitSeconds,
        retryCount: attempt,
      });
      await new Promise((resolve) => setTimeout(resolve, waitSeconds * timing.retryAfterBaseMs));
    }
  };
  // Groups are keyed by credential so several stores of one process sharing a token share its spacing.
  const id = credentialId(options);
  return new SentinelOctokit({
    ...octokitAuth(options, clock),
    baseUrl: options.baseUrl.replace(/\/$/, ""),
    userAgent: "task-sentinel-github-store",
    request: { fetch: backedOffFetch },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    retry: { retries: timing.retries, retryAfterBaseValue: timing.retryBaseMs },
    throttle: {
      id,
      retryAfterBaseValue: timing.retryAfterBaseMs,
      write: timing.directDispatch
        ? directGroup()
        : new Bottleneck.Group({ maxConcurrent: 1, minTime: timing.writeMinTimeMs }),
      notifications: timing.directDispatch
        ? directGroup()
        : new Bottleneck.Group({ maxConcurrent: 1, minTime: timing.notificationMinTimeMs }),
      ...(timing.directDispatch ? { global: directGroup(), retryLimiter: directRetryLimiter() } : {}),
      // Waited out in the transport already (the plugin waits a constant minute without
      // retry-after and ignores x-ratelimit-reset there); what reaches here has used its retries.
      onSecondaryRateLimit: () => false,
      onRateLimit: (retryAfter, _request, _octokit, retryCount) => {
        meter.recordSecondaryLimit(retryAfter);
        options.log?.("warn", "GitHub primary rate limit exhausted; waiting for reset", {
          retryAfterSeconds: retryAfter,
          retryCount,
        });
        return retryCount < timing.rateLimitRetries;
      },
    },
  });
}

/**
 * A stand-in for one of plugin-throttling's Bottleneck groups that runs each job at once
 * (the plugin calls `group.key(id).schedule(jobOptions, fn, ...args)`). Bottleneck itself
 * always defers a job by a timer, even with no spacing configured; see `directDispatch`.
 */
function directGroup(): Bottleneck.Group {
  const limiter = {
    schedule: (...args: unknown[]): Promise<unknown> => {
      const at = typeof args[0] === "function" ? 0 : 1;
      const job = args[at] as (...jobArgs: unknown[]) => Promise<unknown>;
      return job(...args.slice(at + 1));
    },
  };
  return { key: () => limiter } as unknown as Bottleneck.Group;
}

/**
 * A stand-in for plugin-throttling's retry limiter with the same contract: a job that fails
 * is passed to the plugin's "failed" handler (which decides on secondary/primary limits and
 * returns the delay) and re-run after that delay, without Bottleneck's timer hop per job.
 */
function directRetryLimiter(): Bottleneck {
  type FailedHandler = (error: unknown, info: { args: unknown[]; retryCount: number }) => unknown;
  const handlers: FailedHandler[] = [];
  return {
    on(event: string, handler: FailedHandler): void {
      if (event === "failed") handlers.push(handler);
    },
    async schedule(...args: unknown[]): Promise<unknown> {
      const at = typeof args[0] === "function" ? 0 : 1;
      const job = args[at] as (...jobArgs: unknown[]) => Promise<unknown>;
      const jobArgs = args.slice(at + 1);
      for (let retryCount = 0; ; retryCount += 1) {
        try {
          return await job(...jobArgs);
        } catch (error) {
          let delay: unknown;
          for (const handler of handlers) delay = (await handler(error, { args: jobArgs, retryCount })) ?? delay;
          if (typeof delay !== "number") throw error;
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    },
  } as unknown as Bottleneck;
}
