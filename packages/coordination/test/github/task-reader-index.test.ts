import { closedAfterEach, fastStoreOptions, TOKENS } from "@sentinel/test-support/emulator";
import { describe, expect, it, vi } from "vitest";
import { newTaskSchema } from "../../src/domain/task.js";
import type { RepoMirror } from "../../src/store/github/repo-mirror.js";

const opened = closedAfterEach();

describe("task lookups on the GitHub store", () => {
  it("find a task without rebuilding every task source while the mirror's issues are unchanged", async () => {
    const emulator = await opened.emulator();
    const store = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    const tasks = [];
    for (let i = 0; i < 3; i++) tasks.push(await store.createTask(newTaskSchema.parse({ type: "demo" }), "test"));
    // Private access on purpose: what is measured is how often the sources are rebuilt.
    const { mirror } = (store as unknown as { parts: { ctx: { mirror: RepoMirror } } }).parts.ctx;
    const listed = vi.spyOn(mirror, "issuesOf");
    for (const task of tasks) for (let i = 0; i < 3; i++) expect((await store.getTask(task.id))?.id).toBe(task.id);
    // Nine lookups: once for the index (or not at all), never once per lookup.
    expect(listed.mock.calls.filter(([purpose]) => purpose === "task").length).toBeLessThanOrEqual(1);
    // A task created after the index was built is found: the index follows the mirror.
    const later = await store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    expect((await store.getTask(later.id))?.id).toBe(later.id);
  });
});
