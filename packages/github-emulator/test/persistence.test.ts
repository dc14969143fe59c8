import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../src/index.js";
import { octokitFor, ownerRepo, startTestEmulator } from "./helpers.js";

describe("persistence", () => {
  it("saves state to a file and loads it on the next start", async () => {
    const persistPath = join(await mkdtemp(join(tmpdir(), "gh-emulator-")), "state.json");
    const first = await startTestEmulator({ persistPath, persistDebounceMs: 10 });
    const octokit = octokitFor(first);
    const issue = await octokit.rest.issues.create({
      ...ownerRepo,
      title: "survives",
      labels: ["sentinel"],
    });
    const comment = await octokit.rest.issues.createComment({
      ...ownerRepo,
      issue_number: issue.data.number,
      body: "kept",
    });
    const gone = await octokit.rest.issues.createComment({
      ...ownerRepo,
      issue_number: issue.data.number,
      body: "deleted",
    });
    await octokit.rest.issues.deleteComment({ ...ownerRepo, comment_id: gone.data.id });
    await first.close();
    expect(JSON.parse(await readFile(persistPath, "utf8"))).toMatchObject({ version: 1 });

    const second = await startTestEmulator({ persistPath });
    const again = octokitFor(second);
    const loaded = await again.rest.issues.get({ ...ownerRepo, issue_number: issue.data.number });
    expect(loaded.data).toMatchObject({
      title: "survives",
      comments: 1,
      labels: [{ name: "sentinel" }],
      created_at: issue.data.created_at,
    });
    const comments = await again.rest.issues.listComments({
      ...ownerRepo,
      issue_number: issue.data.number,
    });
    expect(comments.data.map((item) => [item.id, item.body])).toEqual([[comment.data.id, "kept"]]);
    const next = await again.rest.issues.createComment({
      ...ownerRepo,
      issue_number: issue.data.number,
      body: "after restart",
    });
    expect(next.data.id).toBeGreaterThan(gone.data.id);
    const nextIssue = await again.rest.issues.create({ ...ownerRepo, title: "second" });
    expect(nextIssue.data.number).toBe(issue.data.number + 1);
  });

  it("saves without close() once the debounce has passed", async () => {
    const persistPath = join(await mkdtemp(join(tmpdir(), "gh-emulator-")), "nested", "state.json");
    const emulator = await startTestEmulator({ persistPath, persistDebounceMs: 10 });
    await octokitFor(emulator).rest.issues.create({ ...ownerRepo, title: "debounced" });
    await emulator.flush();
    const saved = JSON.parse(await readFile(persistPath, "utf8")) as {
      repos: Array<{ issues: Array<{ title: string }> }>;
    };
    expect(saved.repos[0]?.issues.map((issue) => issue.title)).toEqual(["debounced"]);
  });

  it("refuses a corrupt state file, naming the bad field", async () => {
    const persistPath = join(await mkdtemp(join(tmpdir(), "gh-emulator-")), "state.json");
    await writeFile(
      persistPath,
      JSON.stringify({ version: 1, ids: { repo: 1, issue: 1, comment: "x", label: 1 }, repos: [] }),
    );
    await expect(startEmulator({ users: [], persistPath })).rejects.toThrow(/ids\.comment/);
  });
});
