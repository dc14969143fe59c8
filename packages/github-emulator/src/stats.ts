export type FaultCounter =
  | "serverErrors"
  | "errorsAfterWrite"
  | "hangs"
  | "secondaryLimited"
  | "primaryLimited"
  | "notModified";

export interface StatsSnapshot {
  since: string;
  total: number;
  byMethod: Record<string, number>;
  byStatus: Record<string, number>;
  /** "GET /repos/{owner}/{repo}/issues" → status → count. */
  byRoute: Record<string, Record<string, number>>;
  counters: Record<FaultCounter, number>;
}

/** Request counts for benchmarks; admin requests are not counted. */
export class StatsRecorder {
  private data: StatsSnapshot;

  constructor(private readonly now: () => number) {
    this.data = this.empty();
  }

  record(method: string, route: string, status: number): void {
    const key = `${method} ${route}`;
    this.data.total += 1;
    increment(this.data.byMethod, method);
    increment(this.data.byStatus, String(status));
    this.data.byRoute[key] ??= {};
    increment(this.data.byRoute[key], String(status));
  }

  count(counter: FaultCounter): void {
    this.data.counters[counter] += 1;
  }

  snapshot(): StatsSnapshot {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = this.empty();
  }

  private empty(): StatsSnapshot {
    return {
      since: new Date(this.now()).toISOString(),
      total: 0,
      byMethod: {},
      byStatus: {},
      byRoute: {},
      counters: {
        serverErrors: 0,
        errorsAfterWrite: 0,
        hangs: 0,
        secondaryLimited: 0,
        primaryLimited: 0,
        notModified: 0,
      },
    };
  }
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
