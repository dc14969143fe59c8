import { join } from "node:path";
import { tempDir } from "@sentinel/test-support";
import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { cli } from "./cli-harness.js";

async function createId(dbPath: string, ...args: string[]): Promise<string> {
  return (JSON.parse((await cli(dbPath, "--json", "task", "create", ...args)).out) as { id: string }).id;
}

describe("sentinel task bulk", () => {
  it("previews the count with the command that applies it, refuses a stale --expect, then applies exactly those", async () => {
    const dbPath = join(tempDir("sentinel-bulk-cli").path, "store.db");
    const delayed = [await createId(dbPath, "echo", "--delay", "10m"), await createId(dbPath, "echo", "--delay", "1h")];
    const otherType = await createId(dbPath, "sleep", "--delay", "10m");
    const due = await createId(dbPath, "echo");

    const preview = await cli(dbPath, "task", "bulk", "promote-delayed", "--type", "echo");
    expect(preview).toMatchObject({
      code: 0,
      out: "2 task(s) of type echo match promote-delayed; to apply: sentinel task bulk promote-delayed --type echo --yes --expect 2",
    });
    const stale = await cli(dbPath, "task", "bulk", "promote-delayed", "--type", "echo", "--yes", "--expect", "3");
    expect(stale.code).toBe(2);
    expect(stale.err).toMatch(/invalid expectedCount: expected the 3 task\(s\) confirmed; the filter now matches 2/);
    const applied = await cli(dbPath, "task", "bulk", "promote-delayed", "--type", "echo", "--yes", "--expect", "2");
    expect(applied).toMatchObject({ code: 0, out: "promote-delayed: applied to 2 of 2 task(s) of type echo" });

    const store = openSqliteStore({ path: dbPath });
    try {
      const now = await store.now();
      for (const id of delayed) expect((await store.getTask(id))?.runAt).toBeLessThanOrEqual(now);
      expect((await store.getTask(otherType))?.runAt).toBeGreaterThan(now);
      const audit = await store.listAudit({ limit: 5, action: "task.bulk_promote" });
      expect(audit.map((a) => [a.result, a.role])).toEqual([
        ["ok", "cli"],
        ["refused", "cli"],
      ]);
    } finally {
      await store.close();
    }

    // cancel-queued takes every queued task (delayed or due); retry-dead finds none here.
    const json = JSON.parse((await cli(dbPath, "--json", "task", "bulk", "cancel-queued")).out) as { matched: number };
    expect(json).toMatchObject({ action: "cancel-queued", matched: 4, dryRun: true });
    expect(await cli(dbPath, "task", "bulk", "cancel-queued", "--yes")).toMatchObject({
      code: 0,
      out: "cancel-queued: applied to 4 of 4 task(s)",
    });
    expect((await cli(dbPath, "task", "bulk", "retry-dead")).out).toBe("no task matches retry-dead");
    expect((await cli(dbPath, "task", "show", due)).out).toMatch(/state\s+cancelled/);
    const bad = await cli(dbPath, "task", "bulk", "retry-everything");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/retry-dead, cancel-queued, promote-delayed/);
  });
});
