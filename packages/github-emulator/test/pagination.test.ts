import { describe, expect, it } from "vitest";
import { api, createIssue, OWNER, octokitFor, ownerRepo, REPO, repoPath, startTestEmulator } from "./helpers.js";

function parseLinks(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of (header ?? "").split(",")) {
    const match = /<([^>]+)>;\s*rel="(\w+)"/.exec(part.trim());
    if (match?.[1] && match[2]) links[match[2]] = match[1];
  }
  return links;
}

describe("pagination", () => {
  it("pages with per_page (default 30), link rels next/last/prev/first and /repositories/{id} URLs", async () => {
    const emulator = await startTestEmulator({ secondaryRateLimit: false });
    const number = await createIssue(emulator);
    const repo = emulator.state.repo(OWNER, REPO);
    for (let index = 0; index < 65; index += 1) repo?.createComment(number, `c${index}`, "alice");
    const path = `${repoPath}/issues/${number}/comments`;

    const first = await api(emulator, "GET", path);
    expect((first.json as unknown[]).length).toBe(30);
    const firstLinks = parseLinks(first.headers.get("link"));
    expect(Object.keys(firstLinks).sort()).toEqual(["last", "next"]);
    expect(firstLinks.next).toBe(`${emulator.url}/repositories/${repo?.record.id}/issues/${number}/comments?page=2`);
    expect(new URL(firstLinks.last ?? "").searchParams.get("page")).toBe("3");

    const middle = await api(emulator, "GET", `${path}?per_page=20&page=2`);
    const middleLinks = parseLinks(middle.headers.get("link"));
    expect(Object.keys(middleLinks).sort()).toEqual(["first", "last", "next", "prev"]);
    expect(new URL(middleLinks.prev ?? "").searchParams.get("page")).toBe("1");
    expect(new URL(middleLinks.last ?? "").searchParams.get("page")).toBe("4");
    expect(new URL(middleLinks.next ?? "").searchParams.get("per_page")).toBe("20");

    const next = await api(
      emulator,
      "GET",
      new URL(middleLinks.next ?? "").pathname + new URL(middleLinks.next ?? "").search,
    );
    expect((next.json as Array<{ body: string }>).map((comment) => comment.body)[0]).toBe("c40");

    const last = await api(emulator, "GET", `${path}?per_page=20&page=4`);
    expect((last.json as unknown[]).length).toBe(5);
    expect(Object.keys(parseLinks(last.headers.get("link"))).sort()).toEqual(["first", "prev"]);
  });

  it("caps per_page at 100 and sends no link header for a single page", async () => {
    const emulator = await startTestEmulator({ secondaryRateLimit: false });
    const number = await createIssue(emulator);
    const repo = emulator.state.repo(OWNER, REPO);
    for (let index = 0; index < 150; index += 1) repo?.createComment(number, `c${index}`, "alice");
    const capped = await api(emulator, "GET", `${repoPath}/issues/${number}/comments?per_page=500`);
    expect((capped.json as unknown[]).length).toBe(100);
    const single = await api(emulator, "GET", `${repoPath}/labels`);
    expect(single.headers.get("link")).toBeNull();
  });

  it("works with Octokit's paginate over every list", async () => {
    const emulator = await startTestEmulator({ secondaryRateLimit: false });
    const octokit = octokitFor(emulator);
    const repo = emulator.state.repo(OWNER, REPO);
    for (let index = 0; index < 45; index += 1)
      repo?.createIssue({ title: `t${index}`, body: null, labels: ["sentinel"], author: "alice" });
    for (let index = 0; index < 105; index += 1) repo?.createComment(1, `c${index}`, "bob");
    const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { ...ownerRepo, per_page: 10 });
    expect(issues.length).toBe(45);
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      ...ownerRepo,
      issue_number: 1,
      per_page: 100,
    });
    expect(comments.map((comment) => comment.body)).toEqual(Array.from({ length: 105 }, (_, index) => `c${index}`));
    const repoComments = await octokit.paginate(octokit.rest.issues.listCommentsForRepo, {
      ...ownerRepo,
      per_page: 50,
    });
    expect(repoComments.length).toBe(105);
  });
});
