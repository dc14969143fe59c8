import type { ResolvedGithubStoreOptions } from "../options.js";

export type WriteBudget = ResolvedGithubStoreOptions["writeBudget"];

/** How many writers share the login's budget and how much of it this store may spend. */
export interface WriteShare {
  /** Live workers on this store's login (this store counted once even if it hosts none). */
  writersOnLogin: number;
  /** This store's fraction of the login's budget: its own live workers (at least 1) / writersOnLogin. */
  fraction: number;
  /** Writes this store may make per sliding minute (all kinds). */
  perMinute: number;
  /** Writes other than heartbeats this store may make per sliding hour. */
  otherPerHour: number;
}

export interface WritePacerOptions {
  budget: WriteBudget;
  /** Store-clock ms (server time), so the windows match the ones GitHub judges. */
  now: () => number;
  /** Who writes on this login: supplied by the worker registry once the store is open. */
  share: () => { writersOnLogin: number; ownWorkers: number };
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Keeps this store's writes within its share of the login's secondary limit, over sliding
 * windows like GitHub's. Heartbeats are never held (their interval is already sized to the
 * heartbeat share); every other write waits until the minute window and the non-heartbeat
 * hour window have room. Hand-written rather than a Bottleneck reservoir: a reservoir
 * refills in fixed windows (bursts of twice the rate across a boundary) and cannot follow a
 * share that changes as workers join and leave.
 */
export class WritePacer {
  private writes: PacedWrite[] = [];
  private delayed = 0;
  private delayedMs = 0;

  constructor(private readonly options: WritePacerOptions) {}

  share(): WriteShare {
    const { budget } = this.options;
    const { writersOnLogin, ownWorkers } = this.options.share();
    const writers = Math.max(1, writersOnLogin);
    const fraction = Math.min(1, Math.max(1, ownWorkers) / writers);
    return {
      writersOnLogin: writers,
      fraction,
      perMinute: Math.max(1, Math.floor(budget.perMinute * budget.headroom * fraction)),
      otherPerHour: Math.max(1, Math.floor(budget.perHour * (budget.headroom - budget.heartbeatShare) * fraction)),
    };
  }

  /**
   * Wait (if needed) until this write fits the store's share, then hold its slot. Call the
   * returned function when the request has finished: the write is dated then, by the clock
   * the response just refreshed (an idle store's clock estimate may be behind, and dating a
   * write early would let it leave the window before GitHub's copy does).
   */
  async admit(kind: "heartbeat" | "other"): Promise<() => void> {
    let waited = 0;
    for (;;) {
      const wait = kind === "heartbeat" ? 0 : this.waitMs();
      if (wait <= 0) break;
      const step = Math.min(wait, this.options.budget.recheckMs);
      waited += step;
      await new Promise((resolve) => setTimeout(resolve, step));
    }
    if (waited > 0) {
      this.delayed += 1;
      this.delayedMs += waited;
    }
    const write: PacedWrite = { at: Number.POSITIVE_INFINITY, heartbeat: kind === "heartbeat" };
    this.writes.push(write);
    return () => {
      write.at = this.options.now();
      this.writes.sort((a, b) => a.at - b.at);
    };
  }

  stats(): { delayed: number; delayedMs: number } {
    return { delayed: this.delayed, delayedMs: this.delayedMs };
  }

  private waitMs(): number {
    const now = this.options.now();
    this.writes = this.writes.filter((write) => write.at > now - HOUR);
    const share = this.share();
    const inMinute = this.writes.filter((write) => write.at > now - MINUTE);
    const others = this.writes.filter((write) => !write.heartbeat);
    // A write still in flight has no date yet: it cannot leave a window, so re-check soon.
    return Math.max(
      untilRoom(inMinute, share.perMinute, MINUTE, now),
      untilRoom(others, share.otherPerHour, HOUR, now),
    );
  }
}

interface PacedWrite {
  /** Store-clock time the write finished (+∞ while in flight). */
  at: number;
  heartbeat: boolean;
}

/** Ms until fewer than `cap` of these (ascending) writes lie inside the window. */
function untilRoom(writes: PacedWrite[], cap: number, windowMs: number, now: number): number {
  if (writes.length < cap) return 0;
  const mustExpire = writes[writes.length - cap];
  if (!mustExpire) return 0;
  return Number.isFinite(mustExpire.at) ? mustExpire.at + windowMs - now + 1 : windowMs;
}
