import { describe, expect, it } from "vitest";
import { api, createIssue, OWNER, octokitFor, ownerRepo, REPO, repoPath, startTestEmulator } from "./helpers.js";

describe("issues", () => {
  it("numbers issues per repository from 1 with 64-bit ids", async () => {
    const emulator = await startTestEmulator({ repos: [`${OWNER}/${REPO}`, `${OWNER}/other`] });
    const octokit = octokitFor(emulator);
    const first = await octokit.rest.issues.create({ ...ownerRepo, title: "a", body: "params" });
    const second = await octokit.rest.issues.create({ ...ownerRepo, title: "b" });
    const elsewhere = await octokit.rest.issues.create({ owner: OWNER, repo: "other", title: "c" });
    expect([first.data.number, second.data.number, elsewhere.data.number]).toEqual([1, 2, 1]);
    expect(first.data.id).toBeGreaterThan(2 ** 31);
    expect(second.data.id).toBeGreaterThan(first.data.id);
    expect(first.data.body).toBe("params");
    expect(second.data.body).toBeNull();
    expect(first.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("filters the list by state, labels, since and creator, and sorts it", async () => {
    const emulator = await startTestEmulator();
    const octokit = octokitFor(emulator);
    await octokit.rest.issues.create({ ...ownerRepo, title: "one", labels: ["sentinel", "type:a"] });
    emulator.clock.setOffset(10_000);
    await octokit.rest.issues.create({ ...ownerRepo, title: "two", labels: ["sentinel"] });
    emulator.clock.setOffset(20_000);
    const three = await octokit.rest.issues.create({ ...ownerRepo, title: "three", labels: ["other"] });
    emulator.clock.setOffset(30_000);
    await octokit.rest.issues.update({ ...ownerRepo, issue_number: 1, state: "closed" });

    const list = async (params: Record<string, string>) =>
      (await octokit.rest.issues.listForRepo({ ...ownerRepo, ...params })).data.map((issue) => issue.title);
    expect(await list({})).toEqual(["three", "two"]);
    expect(await list({ state: "all", direction: "asc" })).toEqual(["one", "two", "three"]);
    expect(await list({ state: "closed" })).toEqual(["one"]);
    expect(await list({ state: "all", labels: "sentinel,TYPE:A" })).toEqual(["one"]);
    expect(await list({ state: "all", since: three.data.created_at })).toEqual(["three", "one"]);
    expect(await list({ state: "all", sort: "updated", direction: "desc" })).toEqual(["one", "three", "two"]);
    expect(await list({ creator: "bob" })).toEqual([]);
  });

  it("sets updated_at, closed_at, closed_by and state_reason on PATCH", async () => {
    const emulator = await startTestEmulator();
    const octokit = octokitFor(emulator);
    const created = await octokit.rest.issues.create({ ...ownerRepo, title: "t" });
    emulator.clock.setOffset(5_000);
    const closed = await octokit.rest.issues.update({
      ...ownerRepo,
      issue_number: created.data.number,
      state: "closed",
      state_reason: "not_planned",
      body: "result",
    });
    expect(closed.data).toMatchObject({
      state: "closed",
      state_reason: "not_planned",
      body: "result",
      closed_by: { login: "alice" },
    });
    expect(Date.parse(closed.data.updated_at) - Date.parse(created.data.updated_at)).toBeGreaterThanOrEqual(4_000);
    expect(closed.data.closed_at).toBe(closed.data.updated_at);
    const reopened = await octokit.rest.issues.update({
      ...ownerRepo,
      issue_number: created.data.number,
      state: "open",
    });
    expect(reopened.data).toMatchObject({ state: "open", state_reason: "reopened", closed_at: null });
  });
});

describe("labels", () => {
  it("creates repository labels and refuses duplicates", async () => {
    const emulator = await startTestEmulator();
    const octokit = octokitFor(emulator);
    const created = await octokit.rest.issues.createLabel({
      ...ownerRepo,
      name: "sentinel",
      color: "#00FF00",
      description: "tasks",
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ name: "sentinel", color: "00ff00", description: "tasks", default: false });
    const duplicate = await api(emulator, "POST", `${repoPath}/labels`, { body: { name: "Sentinel" } });
    expect(duplicate.status).toBe(422);
    expect(duplicate.json).toMatchObject({ errors: [{ resource: "Label", code: "already_exists", field: "name" }] });
    const badColor = await api(emulator, "POST", `${repoPath}/labels`, { body: { name: "x", color: "green" } });
    expect(badColor.json).toMatchObject({ errors: [{ field: "color", code: "invalid" }] });
    const list = await octokit.rest.issues.listLabelsForRepo({ ...ownerRepo });
    expect(list.data.map((label) => label.name)).toEqual(["sentinel"]);
  });

  it("adds, replaces and removes labels on an issue, creating unknown labels", async () => {
    const emulator = await startTestEmulator();
    const octokit = octokitFor(emulator);
    const number = await createIssue(emulator);
    const params = { ...ownerRepo, issue_number: number };
    const added = await octokit.rest.issues.addLabels({ ...params, labels: ["state:queued", "prio:1"] });
    expect(added.data.map((label) => label.name)).toEqual(["state:queued", "prio:1"]);
    const again = await api(emulator, "POST", `${repoPath}/issues/${number}/labels`, { body: ["prio:1", "type:x"] });
    expect((again.json as Array<{ name: string }>).map((label) => label.name)).toEqual([
      "state:queued",
      "prio:1",
      "type:x",
    ]);
    const replaced = await octokit.rest.issues.setLabels({ ...params, labels: ["state:running"] });
    expect(replaced.data.map((label) => label.name)).toEqual(["state:running"]);
    const removed = await octokit.rest.issues.removeLabel({ ...params, name: "state:running" });
    expect(removed.data).toEqual([]);
    await expect(octokit.rest.issues.removeLabel({ ...params, name: "state:running" })).rejects.toMatchObject({
      status: 404,
    });
    await octokit.rest.issues.addLabels({ ...params, labels: ["a b/c"] });
    const listed = await octokit.rest.issues.listLabelsOnIssue(params);
    expect(listed.data.map((label) => label.name)).toEqual(["a b/c"]);
    await octokit.rest.issues.removeLabel({ ...params, name: "a b/c" });
    await octokit.rest.issues.addLabels({ ...params, labels: ["z"] });
    expect((await octokit.rest.issues.removeAllLabels(params)).status).toBe(204);
    expect((await octokit.rest.issues.get(params)).data.labels).toEqual([]);
    const repoLabels = await octokit.rest.issues.getLabel({ ...ownerRepo, name: "a b/c" });
    expect(repoLabels.data.name).toBe("a b/c");
  });
});
