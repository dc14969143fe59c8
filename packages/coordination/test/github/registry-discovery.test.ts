import { Octokit } from "@octokit/rest";
import { waitFor } from "@sentinel/test-support";
import { closedAfterEach, fastStoreOptions, OWNER, REPO, TOKENS } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { registration } from "../../src/store/contract/harness.js";
import { PURPOSE_LABELS, SENTINEL_LABEL } from "../../src/store/github/records/issue-kinds.js";

const opened = closedAfterEach();

describe("registry issues opened after a reader found its first one", () => {
  it("lists the workers registered on a registry issue another process opened later", async () => {
    const emulator = await opened.emulator();
    const reader = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await reader.registerWorker(registration("w-first"));
    expect((await reader.listWorkers()).map((w) => w.id)).toEqual(["w-first"]);

    // Two processes that both found no registry issue each open one (github-context.ts:
    // ensureIssue); a newcomer writes to the newest.
    await new Octokit({ auth: TOKENS.bot, baseUrl: emulator.url }).rest.issues.create({
      owner: OWNER,
      repo: REPO,
      title: "sentinel: worker registry",
      body: "Coordination records of Task Sentinel (registry). Written by the store; please do not edit.",
      labels: [SENTINEL_LABEL, PURPOSE_LABELS.registry],
    });
    const newcomer = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await newcomer.registerWorker(registration("w-second"));

    const ids = await waitFor(
      async () => {
        const listed = (await reader.listWorkers()).map((w) => w.id).sort();
        return listed.length === 2 ? listed : null;
      },
      { timeoutMs: 5_000, what: "the reader lists both workers" },
    );
    expect(ids).toEqual(["w-first", "w-second"]);
  });
});
