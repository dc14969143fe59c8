import { describe, expect, it } from "vitest";
import { api, createIssue, octokitFor, ownerRepo, repoPath, startTestEmulator, TOKENS } from "./helpers.js";

describe("permissions on a public repository", () => {
  it("lets a non-collaborator comment and edit or delete only their own comments", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator);
    const stranger = octokitFor(emulator, TOKENS.stranger);
    const own = await stranger.rest.issues.createComment({
      ...ownerRepo,
      issue_number: number,
      body: "mine",
    });
    expect(own.data.author_association).toBe("NONE");
    const edited = await stranger.rest.issues.updateComment({
      ...ownerRepo,
      comment_id: own.data.id,
      body: "edited",
    });
    expect(edited.data.body).toBe("edited");

    const aliceComment = await octokitFor(emulator).rest.issues.createComment({
      ...ownerRepo,
      issue_number: number,
      body: "alice",
    });
    await expect(
      stranger.rest.issues.updateComment({ ...ownerRepo, comment_id: aliceComment.data.id, body: "x" }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      stranger.rest.issues.deleteComment({ ...ownerRepo, comment_id: aliceComment.data.id }),
    ).rejects.toMatchObject({ status: 403 });
    await stranger.rest.issues.deleteComment({ ...ownerRepo, comment_id: own.data.id });
  });

  it("lets collaborators edit and delete anyone's comments", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator);
    const strangerComment = await octokitFor(emulator, TOKENS.stranger).rest.issues.createComment({
      ...ownerRepo,
      issue_number: number,
      body: "s",
    });
    const bob = octokitFor(emulator, TOKENS.bob);
    const edited = await bob.rest.issues.updateComment({
      ...ownerRepo,
      comment_id: strangerComment.data.id,
      body: "moderated",
    });
    expect(edited.data.body).toBe("moderated");
    expect(edited.data.user?.login).toBe("stranger");
    const deleted = await bob.rest.issues.deleteComment({
      ...ownerRepo,
      comment_id: strangerComment.data.id,
    });
    expect(deleted.status).toBe(204);
  });

  it("forbids a non-collaborator to edit others' issues or labels", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator, "alice's task");
    const issuePath = `${repoPath}/issues/${number}`;
    const token = TOKENS.stranger;
    expect((await api(emulator, "PATCH", issuePath, { token, body: { state: "closed" } })).status).toBe(403);
    expect((await api(emulator, "POST", `${issuePath}/labels`, { token, body: { labels: ["x"] } })).status).toBe(403);
    expect((await api(emulator, "PUT", `${issuePath}/labels`, { token, body: { labels: [] } })).status).toBe(403);
    expect((await api(emulator, "DELETE", `${issuePath}/labels`, { token })).status).toBe(403);
    expect((await api(emulator, "POST", `${repoPath}/labels`, { token, body: { name: "x" } })).status).toBe(403);
    const forbidden = await api(emulator, "PATCH", issuePath, { token, body: { title: "hijacked" } });
    expect(forbidden.json).toMatchObject({ message: expect.stringContaining("push access") });
    const issue = await api(emulator, "GET", issuePath);
    expect(issue.json).toMatchObject({ title: "alice's task", state: "open" });
  });

  it("lets anyone open an issue but drops labels set without push access, as GitHub does", async () => {
    const emulator = await startTestEmulator();
    const created = await api(emulator, "POST", `${repoPath}/issues`, {
      token: TOKENS.stranger,
      body: { title: "report", labels: ["urgent"] },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ labels: [], user: { login: "stranger" } });
    const number = (created.json as { number: number }).number;
    const closed = await api(emulator, "PATCH", `${repoPath}/issues/${number}`, {
      token: TOKENS.stranger,
      body: { state: "closed", labels: ["x"] },
    });
    expect(closed.json).toMatchObject({ state: "closed", labels: [] });
  });

  it("reports push permission on the repository per user", async () => {
    const emulator = await startTestEmulator();
    const asStranger = await octokitFor(emulator, TOKENS.stranger).rest.repos.get({ ...ownerRepo });
    const asAlice = await octokitFor(emulator).rest.repos.get({ ...ownerRepo });
    expect(asStranger.data.permissions).toMatchObject({ push: false, pull: true, admin: false });
    expect(asAlice.data.permissions).toMatchObject({ push: true, admin: false });
    const asOwner = await octokitFor(emulator, TOKENS.acme).rest.repos.get({ ...ownerRepo });
    expect(asOwner.data.permissions).toMatchObject({ push: true, admin: true });
  });
});
