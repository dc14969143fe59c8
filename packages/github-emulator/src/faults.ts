import { z } from "zod";
import { createRandom, type Random } from "./random.js";

export const faultOptionsSchema = z.strictObject({
  /** Seed of the RNG that draws every fault, so a run's faults are reproducible. */
  seed: z.number().int(),
  /** Share of API requests answered 502/503 before they take effect. */
  errorRate: z.number().min(0).max(1),
  /** Share of writes that take effect but are still answered 502 (the client cannot tell). */
  errorAfterWriteRate: z.number().min(0).max(1),
  /** Added to every API request. */
  latencyMs: z.number().min(0),
  /** Uniform random extra latency in [0, latencyJitterMs). */
  latencyJitterMs: z.number().min(0),
  /** A write becomes visible to reads only this long after it was made. */
  readLagMs: z.number().min(0),
  /** Uniform random extra lag per write, so writes can become visible out of order. */
  readLagJitterMs: z.number().min(0),
  /** Share of requests whose response is held back for hangMs (longer than a client timeout). */
  hangRate: z.number().min(0).max(1),
  hangMs: z.number().min(0),
  /**
   * After each full page of the repository comment list is served, this many of its comments
   * are edited (same body, new `updated_at`), as writers do while a reader pages: under
   * `sort=updated` they move to the end, so page numbers skip the items that shift forward.
   */
  pageChurn: z.number().int().min(0),
  /**
   * How a secondary-limit refusal is sent, in each shape GitHub uses: `retryAfter` (403/429
   * with `retry-after`), `bare` (403/429 without it), `reset` (403/429 without it, with
   * `x-ratelimit-remaining: 0` and `x-ratelimit-reset` at the end of the wait) and
   * `tooQuickly` (422 "was submitted too quickly").
   */
  secondaryShape: z.enum(["retryAfter", "bare", "reset", "tooQuickly"]),
  /** Status of 403/429 refusals; null: the emulator's `secondaryRateLimit.status`. */
  secondaryStatus: z.union([z.literal(403), z.literal(429)]).nullable(),
});

export type SecondaryShape = FaultOptions["secondaryShape"];

export type FaultOptions = z.infer<typeof faultOptionsSchema>;

/** Patch accepted at run time; `secondaryStormSeconds` starts a storm, `reset` restores defaults first. */
export const faultPatchSchema = faultOptionsSchema.partial().extend({
  secondaryStormSeconds: z.number().min(0).optional(),
  reset: z.boolean().optional(),
});

export type FaultPatch = z.infer<typeof faultPatchSchema>;

export const DEFAULT_FAULTS: FaultOptions = {
  seed: 1,
  errorRate: 0,
  errorAfterWriteRate: 0,
  latencyMs: 0,
  latencyJitterMs: 0,
  readLagMs: 0,
  readLagJitterMs: 0,
  hangRate: 0,
  hangMs: 60_000,
  pageChurn: 0,
  secondaryShape: "retryAfter",
  secondaryStatus: null,
};

export interface FaultSnapshot extends FaultOptions {
  secondaryStormUntil: string | null;
}

export type ServerErrorStatus = 502 | 503;

/** Draws faults from one seeded RNG so a given seed yields the same fault sequence. */
export class FaultController {
  private options: FaultOptions;
  private random: Random;
  private stormUntilMs = 0;

  constructor(
    initial: Partial<FaultOptions>,
    private readonly now: () => number,
  ) {
    this.options = faultOptionsSchema.parse({ ...DEFAULT_FAULTS, ...initial });
    this.random = createRandom(this.options.seed);
  }

  update(patch: FaultPatch): FaultSnapshot {
    const { secondaryStormSeconds, reset, ...rest } = patch;
    const base = reset ? DEFAULT_FAULTS : this.options;
    this.options = faultOptionsSchema.parse({ ...base, ...rest });
    if (reset || rest.seed !== undefined) this.random = createRandom(this.options.seed);
    if (reset) this.stormUntilMs = 0;
    if (secondaryStormSeconds !== undefined) this.stormUntilMs = this.now() + secondaryStormSeconds * 1000;
    return this.snapshot();
  }

  snapshot(): FaultSnapshot {
    const storming = this.stormUntilMs > this.now();
    return { ...this.options, secondaryStormUntil: storming ? new Date(this.stormUntilMs).toISOString() : null };
  }

  drawLatencyMs(): number {
    const { latencyMs, latencyJitterMs } = this.options;
    return latencyMs + (latencyJitterMs > 0 ? this.random() * latencyJitterMs : 0);
  }

  drawServerError(): ServerErrorStatus | undefined {
    if (this.options.errorRate <= 0 || this.random() >= this.options.errorRate) return undefined;
    return this.random() < 0.5 ? 502 : 503;
  }

  drawErrorAfterWrite(): boolean {
    return this.options.errorAfterWriteRate > 0 && this.random() < this.options.errorAfterWriteRate;
  }

  drawHangMs(): number {
    if (this.options.hangRate <= 0 || this.random() >= this.options.hangRate) return 0;
    return this.options.hangMs;
  }

  drawReadLagMs(): number {
    const { readLagMs, readLagJitterMs } = this.options;
    return readLagMs + (readLagJitterMs > 0 ? this.random() * readLagJitterMs : 0);
  }

  secondaryShape(): { shape: SecondaryShape; status: 403 | 429 | null } {
    return { shape: this.options.secondaryShape, status: this.options.secondaryStatus };
  }

  pageChurn(): number {
    return this.options.pageChurn;
  }

  /** Seconds left in a secondary-limit storm, or 0 when none is under way. */
  stormRetryAfterSeconds(): number {
    const left = this.stormUntilMs - this.now();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }
}
