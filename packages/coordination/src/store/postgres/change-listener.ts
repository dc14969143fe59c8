import pg from "pg";
import { CHANGES_CHANNEL } from "./transaction.js";

/** How long after a lost LISTEN connection the next attempt waits. */
const RECONNECT_MS = 1000;

/**
 * One LISTEN connection per store, shared by every `watchChanges` subscriber: each write
 * transaction's commit notifies CHANGES_CHANNEL (transaction.ts), and Postgres delivers it to
 * every listening session at once, on any machine. A hint only: when the connection drops
 * (the server restarting) it reconnects after RECONNECT_MS while anyone is subscribed, and
 * callers keep checking the change marker on their own interval meanwhile.
 */
export class ChangeListener {
  private readonly subscribers = new Set<() => void>();
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly clientConfig: pg.ClientConfig) {}

  subscribe(onChange: () => void): () => void {
    this.subscribers.add(onChange);
    if (!this.client && !this.retry) void this.connect();
    return () => {
      this.subscribers.delete(onChange);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  private async connect(): Promise<void> {
    if (this.closed || this.subscribers.size === 0) return;
    const client = new pg.Client(this.clientConfig);
    this.client = client;
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      void client.end().catch(() => undefined);
      if (!this.closed && this.subscribers.size > 0) {
        this.retry = setTimeout(() => {
          this.retry = null;
          void this.connect();
        }, RECONNECT_MS);
        this.retry.unref();
      }
    };
    client.on("error", lost);
    client.on("end", lost);
    client.on("notification", () => {
      for (const notify of this.subscribers) notify();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      // Commits between the last check and the LISTEN would otherwise go unseen until the interval.
      for (const notify of this.subscribers) notify();
    } catch {
      lost();
    }
  }

  private stop(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    void client?.end().catch(() => undefined);
  }
}
