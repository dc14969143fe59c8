export interface ClockOptions {
  /** Added to the emulator's time, e.g. to emulate a GitHub clock ahead of the workers'. */
  offsetMs?: number;
  /** Emulator seconds per real second (1 = real time); models a server clock that drifts. */
  rate?: number;
  /** Source of real time (defaults to Date.now); injectable for tests. */
  now?: () => number;
}

export interface EmulatorClock {
  now(): number;
  setOffset(offsetMs: number): void;
  offsetMs(): number;
}

export function createClock(options: ClockOptions = {}): EmulatorClock {
  const source = options.now ?? Date.now;
  const rate = options.rate ?? 1;
  const origin = source();
  let offset = options.offsetMs ?? 0;
  return {
    now: () => Math.floor(origin + (source() - origin) * rate + offset),
    setOffset: (offsetMs) => {
      offset = offsetMs;
    },
    offsetMs: () => offset,
  };
}

/** GitHub timestamps are UTC ISO-8601 with whole seconds, e.g. 2024-01-02T03:04:05Z. */
export function toGitHubTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function toHttpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

export function toEpochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
