import { describe, expect, it } from "vitest";
import {
  api,
  createIssue,
  OWNER,
  octokitFor,
  ownerRepo,
  REPO,
  repoPath,
  startTestEmulator,
  TOKENS,
} from "./helpers.js";

describe("issue comments", () => {
  it("gives repository-wide increasing ids above 2^31 and lists them ascending", async () => {
    const emulator = await startTestEmulator();
    const octokit = octokitFor(emulator);
    const [a, b] = [await createIssue(emulator, "a"), await createIssue(emulator, "b")];
    const ids: number[] = [];
    for (const issue_number of [a, b, a, b]) {
      ids.push(
        (
          await octokit.rest.issues.createComment({
            ...ownerRepo,
            issue_number,
            body: `on ${issue_number}`,
          })
        ).data.id,
      );
    }
    expect(ids[0]).toBeGreaterThan(2 ** 31);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
    const onA = await octokit.rest.issues.listComments({ ...ownerRepo, issue_number: a });
    expect(onA.data.map((comment) => comment.id)).toEqual([ids[0], ids[2]]);
    const all = await octokit.rest.issues.listCommentsForRepo({ ...ownerRepo });
    expect(all.data.map((comment) => comment.id)).toEqual(ids);
    const desc = await octokit.rest.issues.listCommentsForRepo({
      ...ownerRepo,
      sort: "created",
      direction: "desc",
    });
    expect(desc.data.map((comment) => comment.id)).toEqual([...ids].reverse());
    const issue = await octokit.rest.issues.get({ ...ownerRepo, issue_number: a });
    expect(issue.data.comments).toBe(2);
  });

  it("filters on updated_at with an inclusive since, and sets updated_at on PATCH", async () => {
    const emulator = await startTestEmulator();
    const octokit = octokitFor(emulator);
    const number = await createIssue(emulator);
    const params = { ...ownerRepo, issue_number: number };
    const first = await octokit.rest.issues.createComment({ ...params, body: "first" });
    emulator.clock.setOffset(10_000);
    const second = await octokit.rest.issues.createComment({ ...params, body: "second" });
    const since = second.data.created_at;
    const listed = await octokit.rest.issues.listComments({ ...params, since });
    expect(listed.data.map((comment) => comment.id)).toEqual([second.data.id]);

    emulator.clock.setOffset(20_000);
    const edited = await octokit.rest.issues.updateComment({
      ...ownerRepo,
      comment_id: first.data.id,
      body: "first, edited",
    });
    expect(edited.data.created_at).toBe(first.data.created_at);
    expect(Date.parse(edited.data.updated_at) - Date.parse(first.data.updated_at)).toBeGreaterThanOrEqual(19_000);
    const afterEdit = await octokit.rest.issues.listComments({ ...params, since: edited.data.updated_at });
    expect(afterEdit.data.map((comment) => comment.body)).toEqual(["first, edited"]);
    const repoWide = await octokit.rest.issues.listCommentsForRepo({
      ...ownerRepo,
      since,
      sort: "updated",
      direction: "asc",
    });
    expect(repoWide.data.map((comment) => comment.id)).toEqual([second.data.id, first.data.id]);
    const fetched = await octokit.rest.issues.getComment({ ...ownerRepo, comment_id: first.data.id });
    expect(fetched.data.body).toBe("first, edited");
  });

  it("rejects an unparseable since with 422", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator);
    const response = await api(emulator, "GET", `${repoPath}/issues/${number}/comments?since=yesterday`);
    expect(response.status).toBe(422);
    expect(response.json).toMatchObject({ errors: [{ field: "since" }] });
  });

  it("refuses new comments on an issue holding the cap (2,500 by default)", async () => {
    const emulator = await startTestEmulator({ secondaryRateLimit: false });
    const number = await createIssue(emulator);
    const repo = emulator.state.repo(OWNER, REPO);
    for (let index = 0; index < 2499; index += 1) repo?.createComment(number, `seed ${index}`, "alice");
    const last = await api(emulator, "POST", `${repoPath}/issues/${number}/comments`, { body: { body: "2500th" } });
    expect(last.status).toBe(201);
    const refused = await api(emulator, "POST", `${repoPath}/issues/${number}/comments`, { body: { body: "2501st" } });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ message: "Commenting is disabled on issues with more than 2500 comments" });
    const other = await createIssue(emulator);
    expect(
      (await api(emulator, "POST", `${repoPath}/issues/${other}/comments`, { body: { body: "fine" } })).status,
    ).toBe(201);
  });

  it("takes a smaller cap for tests and frees a slot when a comment is deleted", async () => {
    const emulator = await startTestEmulator({ commentCap: 2 });
    const number = await createIssue(emulator);
    const post = () =>
      api(emulator, "POST", `${repoPath}/issues/${number}/comments`, { body: { body: "c" }, token: TOKENS.stranger });
    const first = await post();
    await post();
    expect((await post()).status).toBe(403);
    await api(emulator, "DELETE", `${repoPath}/issues/comments/${(first.json as { id: number }).id}`);
    expect((await post()).status).toBe(201);
  });
});
