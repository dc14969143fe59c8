/**
 * Coalesces writes that arrive within a short window into one request (one comment instead
 * of many: memory and appended events). Each caller's promise settles with its own share
 * of the batch's outcome, so a caller is told "written" only once the comment exists.
 */
export class WriteBatcher<Item, Result> {
  private queue: Array<{ item: Item; resolve: (r: Result) => void; reject: (e: unknown) => void }> = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly windowMs: () => number,
    private readonly maxItems: number,
    private readonly write: (items: Item[]) => Promise<Result[]>,
  ) {}

  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxItems) this.flushSoon(0);
      else this.flushSoon(this.windowMs());
    });
  }

  /** Write whatever is queued now (close, tests). */
  async flush(): Promise<void> {
    this.flushSoon(0);
    await this.flushing;
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushing = this.flushing.then(() => this.drain());
    }, delayMs);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxItems);
      try {
        const results = await this.write(batch.map((entry) => entry.item));
        for (const [index, entry] of batch.entries()) entry.resolve(results[index] as Result);
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
  }
}
