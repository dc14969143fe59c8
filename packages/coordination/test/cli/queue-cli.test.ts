import { join } from "node:path";
import { tempDir } from "@sentinel/test-support";
import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { cli } from "./cli-harness.js";

describe("sentinel queue pause | resume | list", () => {
  it("pauses a type and the whole queue, lists who paused what, and resumes them", async () => {
    const dbPath = join(tempDir("sentinel-queue-cli").path, "store.db");
    expect(await cli(dbPath, "queue", "pause", "deploy")).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^paused deploy \(by operator:cli:/),
    });
    expect((await cli(dbPath, "queue", "pause", "--all")).code).toBe(0);

    const listed = JSON.parse((await cli(dbPath, "--json", "queue", "list")).out) as Array<Record<string, unknown>>;
    expect(listed.map((p) => p.type)).toEqual(["*", "deploy"]);
    expect(listed[1]).toMatchObject({
      pausedBy: expect.stringMatching(/^operator:cli:/),
      pausedAt: expect.any(Number),
    });
    expect((await cli(dbPath, "queue", "list")).out).toMatch(/^TYPE\s+PAUSED BY\s+SINCE\n\*\s+operator:cli:/);

    expect(await cli(dbPath, "queue", "resume", "--all")).toMatchObject({ code: 0, out: "resumed *" });
    expect(await cli(dbPath, "queue", "resume", "deploy")).toMatchObject({ code: 0, out: "resumed deploy" });
    expect(await cli(dbPath, "queue", "resume", "deploy")).toMatchObject({ code: 0, out: "deploy was not paused" });
    expect(await cli(dbPath, "queue", "list")).toMatchObject({ code: 0, out: "nothing is paused" });

    const store = openSqliteStore({ path: dbPath });
    try {
      const kinds = (await store.readEvents(0, 100)).map((e) => [e.kind, e.data.type]);
      expect(kinds).toEqual([
        ["queue.paused", "deploy"],
        ["queue.paused", "*"],
        ["queue.resumed", "*"],
        ["queue.resumed", "deploy"],
      ]);
    } finally {
      await store.close();
    }
  });

  it("refuses a bad or missing target with one line naming it, exit code 2", async () => {
    const dbPath = join(tempDir("sentinel-queue-cli").path, "store.db");
    const cases: Array<[string[], RegExp]> = [
      [["queue", "pause"], /invalid type: expected a task type, or --all for the whole queue/],
      [["queue", "pause", "deploy", "--all"], /invalid type: expected either a task type or --all, not both/],
      [["queue", "pause", "Bad Type"], /invalid type/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(dbPath, ...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.err.split("\n")).toHaveLength(1);
      expect(result.err).toMatch(message);
    }
  });

  it("sets, lists and clears a per-type concurrency and starts limit; refuses a bad one", async () => {
    const dbPath = join(tempDir("sentinel-queue-cli").path, "store.db");
    expect(await cli(dbPath, "queue", "limit", "deploy", "3")).toMatchObject({
      code: 0,
      out: "deploy: at most 3 running",
    });
    const limits = JSON.parse((await cli(dbPath, "--json", "queue", "limits")).out) as Array<Record<string, unknown>>;
    expect(limits).toEqual([
      {
        type: "deploy",
        maxRunning: 3,
        maxStarts: null,
        intervalMs: null,
        setBy: expect.stringMatching(/^operator:cli:/),
        setAt: expect.any(Number),
      },
    ]);
    expect(await cli(dbPath, "queue", "limit", "deploy", "--starts", "30/1m")).toMatchObject({
      code: 0,
      out: "deploy: at most 3 running, 30 starts per 1m",
    });
    expect(await cli(dbPath, "queue", "limit", "deploy", "none")).toMatchObject({
      code: 0,
      out: "deploy: 30 starts per 1m",
    });
    expect((await cli(dbPath, "queue", "limits")).out).toMatch(/^deploy +- +30\/1m +operator:cli:/m);
    expect(await cli(dbPath, "queue", "limit", "deploy", "--clear")).toMatchObject({
      code: 0,
      out: "deploy: no limit",
    });
    expect(await cli(dbPath, "queue", "limits")).toMatchObject({ code: 0, out: "no limits" });
    for (const args of [["deploy", "0"], ["deploy", "many"], ["deploy"], ["deploy", "2", "--clear"]]) {
      const result = await cli(dbPath, "queue", "limit", ...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.err).toMatch(/^sentinel: invalid maxRunning: expected /);
    }
    for (const starts of ["30", "0/1m", "30/2d"]) {
      const result = await cli(dbPath, "queue", "limit", "deploy", "--starts", starts);
      expect(result.code, starts).toBe(2);
      expect(result.err).toMatch(/^sentinel: invalid starts: expected /);
    }
  });
});
