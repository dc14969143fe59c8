import { newTaskSchema } from "@sentinel/coordination";
import { waitFor } from "@sentinel/test-support";
import { editBody, OWNER, postComment, REPO, withStranger } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { openHarness } from "./fixtures.js";
import { controlPlanesPerTest } from "./github-control-plane.js";

const setup = withStranger();
const startControlPlane = controlPlanesPerTest();

describe("refused GitHub comments on the overview", () => {
  it("shows the comments the GitHub store refused, by author and reason, and the read lag in the budget", async () => {
    const { store, mallory } = setup();
    await store.createTask(newTaskSchema.parse({ type: "demo" }), "operator:test");
    const viewer = startControlPlane(store, "refusals");
    // A stranger's forged claim on the task's issue: refused for its author.
    const { data: issues } = await mallory.request("GET /repos/{owner}/{repo}/issues", {
      owner: OWNER,
      repo: REPO,
      labels: "sentinel:task",
    });
    await postComment(mallory, issues[0]?.number ?? 0, `hi\n\n<!-- sentinel:v1 {"p":{"k":"claim"},"sig":"00"} -->`);

    const overview = await waitFor(
      async () => {
        const o = await viewer.overview.get();
        return o.refusals && o.refusals.refused > 0 ? o : null;
      },
      { timeoutMs: 5_000, what: "refusal on the overview" },
    );
    expect(overview.refusals?.refusedBy).toEqual([{ author: "mallory", reason: "author", count: 1 }]);
    expect(overview.budget?.find((row) => row.kind.startsWith("read lag"))?.limit).toBe(40_000);
  });

  it("lists an edited task body under the edited records, served from the version the store verified", async () => {
    const { store, eve } = setup();
    await store.createTask(newTaskSchema.parse({ type: "demo" }), "operator:test");
    const viewer = startControlPlane(store, "tampered");
    const { data: issues } = await eve.request("GET /repos/{owner}/{repo}/issues", {
      owner: OWNER,
      repo: REPO,
      labels: "sentinel:task",
    });
    const issue = issues[0]?.number ?? 0;
    await editBody(eve, { issue }, `${issues[0]?.body ?? ""}`.replace('"priority":0', '"priority":9'));

    const overview = await waitFor(
      async () => {
        const o = await viewer.overview.get();
        return o.refusals && o.refusals.tampered.length > 0 ? o : null;
      },
      { timeoutMs: 5_000, what: "edited record on the overview" },
    );
    expect(overview.refusals?.tampered).toEqual([
      expect.objectContaining({ issue, comment: null, author: "sentinel-bot", reason: "badSignature", kept: true }),
    ]);
  });

  it("has no refusals table on SQLite", async () => {
    const h = openHarness();
    try {
      expect((await h.anonymous.overview.get()).refusals).toBeNull();
    } finally {
      await h.close();
    }
  });
});
