import { Octokit } from "@octokit/rest";
import { waitFor } from "@sentinel/test-support";
import { closedAfterEach, fastStoreOptions, OWNER, REPO, TOKENS } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import { PURPOSE_LABELS, SENTINEL_LABEL } from "../../src/store/github/records/issue-kinds.js";

const opened = closedAfterEach();

/** Opens a second registry issue, as a process that found none opens its own (github-context.ts: ensureIssue). */
async function openSecondRegistryIssue(url: string): Promise<void> {
  await new Octokit({ auth: TOKENS.bot, baseUrl: url }).rest.issues.create({
    owner: OWNER,
    repo: REPO,
    title: "sentinel: worker registry",
    body: "Coordination records of Task Sentinel (registry). Written by the store; please do not edit.",
    labels: [SENTINEL_LABEL, PURPOSE_LABELS.registry],
  });
}

describe("registry issues opened after a reader found its first one", () => {
  it("lists the workers registered on a registry issue another process opened later", async () => {
    const emulator = await opened.emulator();
    const reader = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await reader.registerWorker(registration("w-first"));
    expect((await reader.listWorkers()).map((w) => w.id)).toEqual(["w-first"]);

    // Two processes that both found no registry issue each open one; a newcomer writes to the newest.
    await openSecondRegistryIssue(emulator.url);
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

  it("judges a claimant registered on a registry issue it had not listed by its live lease, not as absent", async () => {
    const emulator = await opened.emulator();
    const reader = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await reader.registerWorker(registration("w-first"));
    const task = await reader.createTask(taskInput(), "operator:test");
    expect((await reader.getTask(task.id))?.state).toBe("queued");

    await openSecondRegistryIssue(emulator.url);
    const newcomer = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await newcomer.registerWorker(registration("w-second"));
    const [claim] = await newcomer.claimTasks({ workerId: "w-second", taskIds: [task.id], metadata: claimMeta });
    expect(claim?.lock.ownerId).toBe("w-second");

    // Judged absent, w-second's lease would be dead: no lock, and w-first could take the task over.
    expect(await reader.getLock(task.id)).toMatchObject({ ownerId: "w-second", token: claim?.lock.token });
    expect(await reader.claimTasks({ workerId: "w-first", taskIds: [task.id], metadata: claimMeta })).toEqual([]);
  });
});
