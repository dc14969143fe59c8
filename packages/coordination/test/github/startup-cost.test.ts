import { Octokit } from "@octokit/rest";
import type { Emulator } from "@sentinel/github-emulator";
import { closedAfterEach, fastStoreOptions, OWNER, REPO, TOKENS } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import type { Task, TaskState } from "../../src/domain/task.js";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import type { GithubStore } from "../../src/store/github/index.js";
import { seedFinishedTasks } from "./support/seed-history.js";

const opened = closedAfterEach();

/** The store's login and `eve`, a collaborator with write access (she may close any issue). */
const CAST = [
  { login: "sentinel-bot", token: TOKENS.bot },
  { login: "eve", token: "eve-token", collaborator: true },
];

function issueOf(emulator: Emulator, taskId: string): number {
  const nonce = taskId.slice("gh-".length);
  const issue = emulator.state
    .repo(OWNER, REPO)
    ?.visibleIssues()
    .find((row) => row.body?.includes(`"n":"${nonce}"`));
  if (!issue) throw new Error(`no issue holds task ${taskId}`);
  return issue.number;
}

async function closeAs(emulator: Emulator, token: string, issue: number): Promise<void> {
  await new Octokit({ auth: token, baseUrl: emulator.url }).request(
    "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
    {
      owner: OWNER,
      repo: REPO,
      issue_number: issue,
      state: "closed",
    },
  );
}

/** Requests a store spends from opening to its first claim poll and registry read, as a worker starts. */
function requestsOf(store: GithubStore): number {
  const { reads, notModified, writes, failed } = store.budget().byKind;
  return reads + notModified + writes + failed;
}

async function allTasks(store: GithubStore, states: TaskState[]): Promise<Task[]> {
  const tasks: Task[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listTasks({ states, limit: 500, cursor });
    tasks.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return tasks;
}

/**
 * A repository whose history holds `finished` tasks that ended a day ago, one recent finished
 * task, two queued tasks and a registered worker; then a fresh store opens it as a worker would.
 */
async function openOnHistory(finished: number) {
  const emulator = await opened.emulator();
  const writer = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
  await writer.registerWorker(registration("w-1"));
  await writer.memorySet("swarm/plan", { step: 1 }, "w-1");
  const template = await writer.createTask(taskInput(), "operator:test");
  const [claimed] = await writer.claimTasks({ workerId: "w-1", taskIds: [template.id], metadata: claimMeta });
  await writer.completeTask(template.id, claimed?.lock.token ?? -1, { result: { ok: true } });
  const queued = [
    await writer.createTask(taskInput(), "operator:test"),
    await writer.createTask(taskInput(), "operator:test"),
  ];
  const templateIssue = emulator.state
    .repo(OWNER, REPO)
    ?.visibleIssues()
    .find((issue) => issue.labels.includes("sentinel:task") && issue.state === "closed");
  if (!templateIssue) throw new Error("the finished template task must be a closed issue");
  seedFinishedTasks(emulator, templateIssue.number, finished);

  const store = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
  const claimable = await store.listClaimable({ types: ["demo"], workerId: "w-2", limit: 10 });
  const workers = await store.listWorkers();
  const memory = await store.memoryGet("swarm/plan");
  return { store, requests: requestsOf(store), claimable, workers, memory, queued, template };
}

describe("start-up cost does not grow with the repository's history", () => {
  it("opens a repository with 1,000 or 5,000 finished tasks with the same requests, and still finds old tasks on demand", async () => {
    const small = await openOnHistory(1_000);
    const large = await openOnHistory(5_000);

    // What a starting worker needs is all there, whatever the history.
    for (const run of [small, large]) {
      expect(run.claimable.map((task) => task.id).sort()).toEqual(run.queued.map((task) => task.id).sort());
      expect(run.workers.map((worker) => worker.id)).toEqual(["w-1"]);
      expect(run.memory?.value).toEqual({ step: 1 });
    }
    expect(large.requests).toBe(small.requests);
    // 17: with the tests' refresh interval of 0, the worker listing polls the issue and comment
    // lists once more (registry-reader.ts: allViews); a worker (1 s interval) shares the opening's.
    expect(large.requests).toBeLessThanOrEqual(17);

    // Old finished tasks are read when asked for, with their outcome.
    const succeeded = await allTasks(large.store, ["succeeded"]);
    expect(succeeded).toHaveLength(5_001);
    expect(succeeded.every((task) => task.state === "succeeded")).toBe(true);
    expect(await large.store.getTask(large.template.id)).toMatchObject({ state: "succeeded", result: { ok: true } });
  }, 120_000);

  it("reopens a task issue a collaborator closed before the task ended, so a process opening later still finds it", async () => {
    const emulator = await opened.emulator({ users: CAST });
    const worker = await opened.store(fastStoreOptions(emulator, TOKENS.bot, { maxReadLagMs: 1000 }));
    await worker.registerWorker(registration("w-1"));
    const task = await worker.createTask(taskInput(), "operator:test");
    const number = issueOf(emulator, task.id);
    await closeAs(emulator, "eve-token", number);
    // Closing changes nothing the store believes: the task is still claimable at once.
    expect((await worker.listClaimable({ types: ["demo"], workerId: "w-1", limit: 5 })).map((t) => t.id)).toEqual([
      task.id,
    ]);
    emulator.clock.setOffset(emulator.clock.offsetMs() + 3000);
    await worker.listClaimable({ types: ["demo"], workerId: "w-1", limit: 5 });
    expect(emulator.state.repo(OWNER, REPO)?.visibleIssue(number)?.state).toBe("open");

    // Two hours on, with the worker still beating: the task is outside the recent window but open.
    emulator.clock.setOffset(emulator.clock.offsetMs() + 2 * 3_600_000);
    await worker.heartbeat("w-1", { activeTasks: 0 });
    const later = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    expect((await later.listClaimable({ types: ["demo"], workerId: "w-1", limit: 5 })).map((t) => t.id)).toEqual([
      task.id,
    ]);
  });

  it("finds a task whose issue was closed while no worker ran, however long ago the last heartbeat was", async () => {
    const emulator = await opened.emulator({ users: CAST });
    const worker = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await worker.registerWorker(registration("w-1"));
    const task = await worker.createTask(taskInput(), "operator:test");
    await worker.close();
    emulator.clock.setOffset(emulator.clock.offsetMs() + 2 * 3_600_000);
    await closeAs(emulator, "eve-token", issueOf(emulator, task.id));
    emulator.clock.setOffset(emulator.clock.offsetMs() + 2 * 3_600_000);

    const later = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    expect((await later.listClaimable({ types: ["demo"], workerId: "w-2", limit: 5 })).map((t) => t.id)).toEqual([
      task.id,
    ]);
  });

  it("a follower resuming from before the history horizon still gets every event after its cursor", async () => {
    const emulator = await opened.emulator();
    const worker = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    await worker.registerWorker(registration("w-1"));
    const task = await worker.createTask(taskInput(), "operator:test");
    const cursor = (await worker.readEvents(0, 1000)).at(-1)?.id ?? 0;
    const [claimed] = await worker.claimTasks({ workerId: "w-1", taskIds: [task.id], metadata: claimMeta });
    await worker.completeTask(task.id, claimed?.lock.token ?? -1, { result: "done" });
    emulator.clock.setOffset(emulator.clock.offsetMs() + 2 * 3_600_000);
    await worker.heartbeat("w-1", { activeTasks: 0 });

    const later = await opened.store(fastStoreOptions(emulator, TOKENS.bot));
    const kinds = (await later.readEvents(cursor, 1000))
      .filter((event) => event.taskId === task.id)
      .map((event) => event.kind);
    expect(kinds).toEqual(expect.arrayContaining(["task.started", "task.succeeded"]));
  });
});
