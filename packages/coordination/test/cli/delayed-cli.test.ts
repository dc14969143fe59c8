import { join } from "node:path";
import { tempDir } from "@sentinel/test-support";
import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { cli } from "./cli-harness.js";

type Created = { id: string; runAt: number; createdAt: number };

describe("sentinel task create --delay | --at, task promote", () => {
  it("schedules a task, shows when it runs, and promotes it to now", async () => {
    const dbPath = join(tempDir("sentinel-delay-cli").path, "store.db");
    const delayed = JSON.parse(
      (await cli(dbPath, "--json", "task", "create", "echo", "--delay", "10m")).out,
    ) as Created;
    expect(delayed.runAt - delayed.createdAt).toBe(600_000);
    expect((await cli(dbPath, "task", "list")).out).toMatch(new RegExp(`${delayed.id}.*in 10 min`));
    expect((await cli(dbPath, "task", "show", delayed.id)).out).toMatch(/runs\s+in 10 min \(\d{4}-/);

    const at = new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * 24 * 3600_000).toISOString();
    const scheduled = JSON.parse((await cli(dbPath, "--json", "task", "create", "echo", "--at", at)).out) as Created;
    expect(new Date(scheduled.runAt).toISOString()).toBe(at);

    expect(await cli(dbPath, "task", "promote", delayed.id)).toMatchObject({
      code: 0,
      out: `promoted ${delayed.id}: runs now`,
    });
    const store = openSqliteStore({ path: dbPath });
    try {
      const promoted = await store.getTask(delayed.id);
      expect(promoted?.runAt).toBeLessThanOrEqual(await store.now());
      const event = (await store.readEvents(0, 100)).find((e) => e.kind === "task.promoted");
      expect(event).toMatchObject({ taskId: delayed.id, actor: expect.stringMatching(/^operator:cli:/) });
    } finally {
      await store.close();
    }
    // Now due: a second promote has nothing to bring forward.
    const again = await cli(dbPath, "task", "promote", delayed.id);
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/not delayed/);
  });

  it("refuses a bad --delay or --at naming the option, and both at once", async () => {
    const dbPath = join(tempDir("sentinel-delay-cli").path, "store.db");
    const badDelay = await cli(dbPath, "task", "create", "echo", "--delay", "soon");
    expect(badDelay.code).not.toBe(0);
    expect(badDelay.err).toMatch(/--delay.*duration such as "30s"/);
    const badAt = await cli(dbPath, "task", "create", "echo", "--at", "tomorrow");
    expect(badAt.code).not.toBe(0);
    expect(badAt.err).toMatch(/--at expects an ISO 8601 time/);
    const both = await cli(dbPath, "task", "create", "echo", "--delay", "5m", "--at", "2030-01-01T00:00:00Z");
    expect(both.code).not.toBe(0);
    expect(both.err).toMatch(/--delay or --at, not both/);
    const tooFar = await cli(dbPath, "task", "create", "echo", "--delay", "400d");
    expect(tooFar.err).toMatch(/--delay/);
  });
});
