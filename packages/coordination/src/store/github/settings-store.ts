import { parseOrThrow } from "../../validation.js";
import { settingSchema } from "../port-schemas.js";
import type { GithubContext } from "./github-context.js";
import type { StoredRecord } from "./repo-mirror.js";

export const SETTINGS_TITLE = "sentinel: settings";

/** Settings as comments on one issue; the newest comment (highest id) for a key wins. */
export class SettingsStore {
  constructor(private readonly ctx: GithubContext) {}

  async get(key: string): Promise<string | null> {
    parseOrThrow(settingSchema.pick({ key: true }), { key }, "key");
    await this.ctx.mirror.refreshIfStale();
    let latest: { id: number; value: string } | null = null;
    for (const entry of this.ctx.issuesOf("settings")) {
      for (const stored of await this.ctx.mirror.readIssue(entry.issue.number)) {
        const record = (stored as StoredRecord).record;
        if (record.k === "setting" && record.key === key && (!latest || stored.id > latest.id))
          latest = { id: stored.id, value: record.value };
      }
    }
    return latest?.value ?? null;
  }

  async set(key: string, value: string, actor: string): Promise<void> {
    parseOrThrow(settingSchema, { key, value, actor }, "setting");
    const issue = await this.ctx.ensureIssue("settings", SETTINGS_TITLE);
    const at = this.ctx.now();
    const ev = [this.ctx.entry("settings.changed", { at, taskId: null, workerId: null, actor, data: { key, value } })];
    await this.ctx.post(
      issue,
      { k: "setting", n: this.ctx.nonce(), at, ev, key, value, actor },
      `sentinel: setting \`${key}\` changed by ${actor}`,
    );
    await this.ctx.rotateIfFull("settings", SETTINGS_TITLE, issue);
  }
}
