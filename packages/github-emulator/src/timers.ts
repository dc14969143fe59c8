/** Delays that close() can cancel, so a hung request never keeps the process alive. */
export class TimerRegistry {
  private readonly pending = new Set<NodeJS.Timeout>();

  delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.add(timer);
    });
  }

  /** Pending delays never resolve; their sockets are destroyed by the server's close. */
  cancelAll(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
