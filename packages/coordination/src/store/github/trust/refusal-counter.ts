export interface RefusalCount {
  author: string;
  reason: string;
  count: number;
}

/** Authors tracked one by one; past this, a flood of throwaway accounts shares one bucket. */
const MAX_AUTHORS = 100;
export const OTHER_AUTHORS = "(others)";

/**
 * Refused comments counted by reason and by author, so an operator can see who sends what.
 * Memory stays bounded however many accounts write to the repository.
 */
export class RefusalCounter<R extends string> {
  private readonly byReason: Record<R, number>;
  private readonly byAuthor = new Map<string, Map<R, number>>();
  private total = 0;

  constructor(reasons: readonly R[]) {
    this.byReason = Object.fromEntries(reasons.map((reason) => [reason, 0])) as Record<R, number>;
  }

  add(author: string, reason: R): void {
    this.total += 1;
    this.byReason[reason] += 1;
    const login = author.toLowerCase() || "(unknown)";
    const key = this.byAuthor.has(login) || this.byAuthor.size < MAX_AUTHORS ? login : OTHER_AUTHORS;
    const counts = this.byAuthor.get(key) ?? new Map<R, number>();
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
    this.byAuthor.set(key, counts);
  }

  snapshot(): { byReason: Record<R, number>; total: number; byAuthor: RefusalCount[] } {
    const byAuthor = [...this.byAuthor].flatMap(([author, counts]) =>
      [...counts].map(([reason, count]) => ({ author, reason, count })),
    );
    byAuthor.sort((a, b) => b.count - a.count || a.author.localeCompare(b.author) || a.reason.localeCompare(b.reason));
    return { byReason: { ...this.byReason }, total: this.total, byAuthor };
  }
}
