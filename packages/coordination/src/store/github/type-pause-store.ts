import type { TypePause } from "../../domain/task-type-pause.js";
import { parseOrThrow } from "../../validation.js";
import { typePauseSchema } from "../port-schemas.js";
import type { GithubContext } from "./github-context.js";
import type { PauseRecord } from "./records/record-schemas.js";
import type { StoredRecord } from "./repo-mirror.js";
import { SETTINGS_TITLE } from "./settings-store.js";

/**
 * Task-type pauses as signed `pause` records on the settings issue: the newest record for a
 * type (highest comment id) says whether it is paused, and since when. Reads come from the
 * mirror (kept fresh by its repository-wide comment listing), so a claim poll costs no request
 * for them; a forged or unsigned record never reaches the mirror (trust filter) and pauses
 * nothing. A pause or resume costs one comment.
 */
export class TypePauseStore {
  constructor(private readonly ctx: GithubContext) {}

  /** The pauses as this process's mirror last read them. */
  async list(): Promise<TypePause[]> {
    await this.ctx.mirror.refreshIfStale();
    const newest = new Map<string, StoredRecord<PauseRecord>>();
    for (const entry of this.ctx.issuesOf("settings")) {
      for (const stored of this.ctx.mirror.recordsOf(entry.issue.number)) {
        if (stored.record.k !== "pause") continue;
        const held = newest.get(stored.record.type);
        if (!held || stored.id > held.id) newest.set(stored.record.type, stored as StoredRecord<PauseRecord>);
      }
    }
    return [...newest.values()]
      .filter(({ record }) => record.paused)
      .map(({ record }) => ({ type: record.type, pausedBy: record.actor, pausedAt: record.at }))
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  }

  async pause(type: string, actor: string): Promise<TypePause> {
    parseOrThrow(typePauseSchema, { type, actor }, "pause");
    const existing = (await this.list()).find((p) => p.type === type);
    if (existing) return existing;
    const at = await this.write(type, true, actor);
    return { type, pausedBy: actor, pausedAt: at };
  }

  async resume(type: string, actor: string): Promise<boolean> {
    parseOrThrow(typePauseSchema, { type, actor }, "pause");
    if (!(await this.list()).some((p) => p.type === type)) return false;
    await this.write(type, false, actor);
    return true;
  }

  private async write(type: string, paused: boolean, actor: string): Promise<number> {
    const issue = await this.ctx.ensureIssue("settings", SETTINGS_TITLE);
    const at = this.ctx.now();
    const kind = paused ? "queue.paused" : "queue.resumed";
    const ev = [this.ctx.entry(kind, { at, taskId: null, workerId: null, actor, data: { type } })];
    await this.ctx.post(
      issue,
      { k: "pause", n: this.ctx.nonce(), at, ev, type, paused, actor },
      `sentinel: task type \`${type}\` ${paused ? "paused" : "resumed"} by ${actor}`,
    );
    await this.ctx.rotateIfFull("settings", SETTINGS_TITLE, issue);
    return at;
  }
}
