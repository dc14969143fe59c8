/**
 * The stop steps of what a starting worker has started so far, run newest first: on a failed
 * start (whatever was reached) and on a graceful stop alike. Running it empties it, so a
 * second run does nothing.
 */
export class ReleaseStack {
  private readonly steps: Array<() => unknown> = [];

  push(step: () => unknown): void {
    this.steps.push(step);
  }

  async releaseAll(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) await step();
  }
}
