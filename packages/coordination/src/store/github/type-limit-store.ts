import { applyLimitChange, type TypeLimit, type TypeLimitChange } from "../../domain/task-type-limit.js";
import type { GithubContext } from "./github-context.js";
import type { LimitRecord } from "./records/record-schemas.js";
import type { StoredRecord } from "./repo-mirror.js";
import { SETTINGS_TITLE } from "./settings-store.js";
import type { GateLimit } from "./tasks/type-limit-gate.js";

/**
 * Task-type limits as signed `limit` records on the settings issue: the newest record for a
 * type (highest comment id) is the limit in force, and one with neither limit clears it. Reads
 * come from the mirror, so a claim poll costs no request for them; a forged record never
 * reaches the mirror (trust filter). A change costs one comment. How claims keep to a limit:
 * tasks/type-limit-gate.ts.
 */
export class TypeLimitStore {
  constructor(private readonly ctx: GithubContext) {}

  /** The limits, by type, after refreshing the mirror if it is stale. */
  async list(): Promise<TypeLimit[]> {
    await this.ctx.mirror.refreshIfStale();
    return this.inMirror().map(({ startsSince: _, ...limit }) => limit);
  }

  /**
   * The limits as the mirror holds them now (no request: for claims and listings that just
   * refreshed it), each with the time its starts limit began: a change of another field, or
   * of the starts limit's numbers, keeps the window's starts counting (as on SQLite).
   */
  inMirror(): GateLimit[] {
    const records: Array<StoredRecord<LimitRecord>> = [];
    for (const entry of this.ctx.issuesOf("settings"))
      for (const stored of this.ctx.mirror.recordsOf(entry.issue.number))
        if (stored.record.k === "limit") records.push(stored as StoredRecord<LimitRecord>);
    const newest = new Map<string, GateLimit | null>();
    for (const { record } of records.sort((a, b) => a.id - b.id)) {
      const limit = limitOf(record);
      const before = newest.get(record.type);
      const startsSince = before?.maxStarts != null ? before.startsSince : record.at;
      newest.set(record.type, limit ? { ...limit, startsSince } : null);
    }
    return [...newest.values()]
      .filter((limit): limit is GateLimit => limit !== null)
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  }

  async set(type: string, change: TypeLimitChange, actor: string): Promise<TypeLimit | null> {
    // Read fresh: a field left out keeps the value another process may have just set.
    await this.ctx.mirror.refresh();
    const current = this.inMirror().find((limit) => limit.type === type) ?? null;
    const at = this.ctx.now();
    const limit = applyLimitChange(current, type, change, actor, at);
    const fields = {
      maxRunning: limit?.maxRunning ?? null,
      maxStarts: limit?.maxStarts ?? null,
      intervalMs: limit?.intervalMs ?? null,
    };
    const issue = await this.ctx.ensureIssue("settings", SETTINGS_TITLE);
    const ev = [
      this.ctx.entry("queue.limit_set", { at, taskId: null, workerId: null, actor, data: { type, ...fields } }),
    ];
    await this.ctx.post(
      issue,
      { k: "limit", n: this.ctx.nonce(), at, ev, type, ...fields, actor },
      `sentinel: limits of task type \`${type}\` ${limit ? "set" : "cleared"} by ${actor}`,
    );
    await this.ctx.rotateIfFull("settings", SETTINGS_TITLE, issue);
    return limit;
  }
}

function limitOf(record: LimitRecord): TypeLimit | null {
  const starts = record.maxStarts !== null && record.intervalMs !== null;
  if (record.maxRunning === null && !starts) return null;
  return {
    type: record.type,
    maxRunning: record.maxRunning,
    maxStarts: starts ? record.maxStarts : null,
    intervalMs: starts ? record.intervalMs : null,
    setBy: record.actor,
    setAt: record.at,
  };
}
