/**
 * Runs the fenced writes of one claim one at a time within this process. A process's worker
 * completing an attempt and the same process's heartbeat monitor failing it (its lease
 * lapsed) share one store and both own the claim: without this, both would pass the fence
 * on the same read and the second PATCH would silently overwrite the first. Queued, the
 * second re-reads after the first write and its fence refuses it.
 *
 * A keyed promise chain, hand-written: the workspace has no mutex library and this is all
 * that is needed (no timeouts, no cross-process reach).
 */
export class ClaimQueue {
  private readonly tails = new Map<number, Promise<void>>();

  async run<T>(token: number, write: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(token) ?? Promise.resolve();
    const result = previous.then(write);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(token, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(token) === tail) this.tails.delete(token);
    }
  }
}
