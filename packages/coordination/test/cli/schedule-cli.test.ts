import { join } from "node:path";
import { tempDir, waitFor } from "@sentinel/test-support";
import { describe, expect, it } from "vitest";
import { cli } from "./cli-harness.js";

describe("sentinel schedule create | list | pause | resume | edit | delete | runs", () => {
  it("manages a schedule, lists its next runs, and shows what its slots created", async () => {
    const dbPath = join(tempDir("sentinel-schedule-cli").path, "store.db");
    const bad = await cli(dbPath, "schedule", "create", "nightly", "echo", "--cron", "every night");
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/timing\.cron/);
    const created = await cli(
      dbPath,
      "schedule",
      "create",
      "nightly",
      "echo",
      "--cron",
      "0 3 * * *",
      "--tz",
      "Europe/Berlin",
    );
    expect(created).toMatchObject({
      code: 0,
      out: expect.stringMatching(
        /^created schedule nightly \(0 3 \* \* \* \(Europe\/Berlin\)\), next run \d{4}-\d\d-\d\dT02:00:00\.000Z$/,
      ),
    });
    expect((await cli(dbPath, "schedule", "create", "tick", "echo", "--every", "1s", "--params", '{"n":1}')).code).toBe(
      0,
    );

    const listed = JSON.parse((await cli(dbPath, "--json", "schedule", "list")).out) as Array<{
      name: string;
      nextRuns: number[];
      paused: boolean;
    }>;
    expect(listed.map((s) => [s.name, s.nextRuns.length, s.paused])).toEqual([
      ["nightly", 3, false],
      ["tick", 3, false],
    ]);
    expect((await cli(dbPath, "schedule", "pause", "nightly")).out).toBe("paused schedule nightly");
    expect((await cli(dbPath, "schedule", "list")).out).toMatch(
      /nightly\s+0 3 \* \* \* \(Europe\/Berlin\)\s+echo\s+paused/,
    );
    expect((await cli(dbPath, "schedule", "resume", "nightly")).out).toBe("resumed schedule nightly");
    expect((await cli(dbPath, "schedule", "edit", "nightly", "--every", "1h", "--catch-up", "all")).out).toBe(
      "edited schedule nightly (every 1h)",
    );
    expect((await cli(dbPath, "schedule", "edit", "nightly", "--catch-up", "sometimes")).err).toMatch(
      /--catch-up expects one of latest, all, skip/,
    );

    // This CLI process has no scheduler loop: fire through the store as a worker would, then read the runs.
    const { openSqliteStore } = await import("../../src/store/sqlite/index.js");
    const store = openSqliteStore({ path: dbPath });
    try {
      await waitFor(
        async () =>
          (await store.fireDueSlots("test")).length > 0 ||
          (await store.listScheduleRuns((await store.getSchedule("tick"))!.id, 1)).length > 0,
        10_000,
      );
    } finally {
      await store.close();
    }
    const runs = await cli(dbPath, "schedule", "runs", "tick");
    expect(runs.out).toMatch(/^SLOT\s+TASK\s+FIRED BY\n\d{4}-.*Z\s+t_\w+\s+/);
    expect((await cli(dbPath, "schedule", "delete", "tick")).out).toBe("deleted schedule tick");
    const gone = await cli(dbPath, "schedule", "runs", "tick");
    expect(gone.code).not.toBe(0);
    expect(gone.err).toMatch(/schedule tick not found/);
  });
});
