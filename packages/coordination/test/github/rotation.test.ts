import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "@sentinel/github-emulator";
import type { GithubStore } from "../../src/store/github/index.js";
import { OWNER, REPO, openTestStore, startTestEmulator } from "./emulator-harness.js";

let emulator: Emulator | null = null;
let store: GithubStore | null = null;

afterEach(async () => {
  await store?.close();
  await emulator?.close();
});

describe("issue rotation before GitHub's comment cap", () => {
  it("moves memory to a new issue with a snapshot that keeps versions, and loses no write", async () => {
    // A cap of 12 comments stands in for GitHub's ~2,500; rotation starts at 10.
    emulator = await startTestEmulator({ commentCap: 12 });
    store = await openTestStore(emulator, "bot-token", { rotateAtComments: 10, refreshIntervalMs: 0 });
    const written = [];
    for (let i = 0; i < 25; i++) written.push(await store.memorySet(`global/k${i % 7}`, i, "w-a"));
    const latest = new Map(written.map((entry) => [entry.key, entry]));
    for (const [key, entry] of latest) expect(await store.memoryGet(key)).toMatchObject({ value: entry.value, version: entry.version });
    const memoryIssues = (emulator.state.repo(OWNER, REPO)?.visibleIssues() ?? []).filter((issue) => issue.labels.includes("sentinel:memory"));
    expect(memoryIssues.length).toBeGreaterThan(1);
    expect(memoryIssues.filter((issue) => issue.state === "open")).toHaveLength(1);
    expect(Math.max(...memoryIssues.map((issue) => issue.comments))).toBeLessThanOrEqual(12);
  });
});
