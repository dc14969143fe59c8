import { OWNER, postComment, REPO, SECRET, withStranger } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { sampleMetrics } from "../../src/store/contract/cases/worker-metrics.js";
import { registration } from "../../src/store/contract/harness.js";
import { encodeRecord } from "../../src/store/github/trust/record-codec.js";
import { forgedWorkerRecord } from "./forged-records.js";

const setup = withStranger();

function registryIssue(): number {
  const issues = setup().emulator.state.repo(OWNER, REPO)?.visibleIssues() ?? [];
  const registry = issues.find((i) => i.labels.includes("sentinel:registry"));
  if (!registry) throw new Error("no registry issue");
  return registry.number;
}

/** What a forger would like the dashboard to show, in a registration record. */
const withMetrics = (metrics: unknown) => ({ metrics: { at: Date.now(), m: metrics } });

describe("worker metrics on GitHub", () => {
  it("ride on the heartbeat's PATCH of the registration comment: no request of their own", async () => {
    const { store } = setup();
    await store.registerWorker(registration("w-real"));
    await store.heartbeat("w-real", { activeTasks: 0 });
    const before = store.budget().byKind.writes;
    await store.heartbeat("w-real", { activeTasks: 0, metrics: sampleMetrics() });
    expect(store.budget().byKind.writes - before).toBe(1);
    const { data: comments } = await setup().bot.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: OWNER,
      repo: REPO,
      issue_number: registryIssue(),
    });
    expect(comments).toHaveLength(1);
    expect((await store.listWorkerMetrics())[0]?.metrics).toEqual(sampleMetrics());
  });

  it("forged, unsigned, malformed and oversized metrics are refused and counted; the real ones stand", async () => {
    const { store, bot, mallory, eve } = setup();
    await store.registerWorker(registration("w-real"));
    await store.heartbeat("w-real", { activeTasks: 0, metrics: sampleMetrics() });
    const registry = registryIssue();
    const signed = (payload: Record<string, unknown>, key = SECRET) =>
      encodeRecord(
        key,
        { issue: registry, kind: "worker", comment: null, signedAt: Date.now() },
        "registration",
        payload,
      );
    const boasting = sampleMetrics({ tasksSucceeded: 999 });
    const before = store.trustStats().rejected;

    // Strangers and collaborators who are not allowed writers, even with a correct signature.
    await postComment(mallory, registry, signed(forgedWorkerRecord("w-real", withMetrics(boasting))));
    await postComment(eve, registry, signed(forgedWorkerRecord("w-eve", withMetrics(boasting))));
    // The allowed login without the key; with the key, metrics out of bounds: a negative time, and a rollup
    // larger than its bound (GitHub itself refuses a body past 65,536 characters, so no comment can be larger).
    await postComment(
      bot,
      registry,
      signed(forgedWorkerRecord("w-nokey", withMetrics(boasting)), "wrong-key-wrong-key-wrong"),
    );
    await postComment(bot, registry, signed(forgedWorkerRecord("w-bad", withMetrics({ ...boasting, busyMs: -5 }))));
    const byReason = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`reason-${i}`, 1]));
    await postComment(
      bot,
      registry,
      signed(forgedWorkerRecord("w-huge", withMetrics({ ...boasting, refused: { total: 1, byReason } }))),
    );

    const listed = await store.listWorkerMetrics();
    expect(listed.map((m) => m.workerId)).toEqual(["w-real"]);
    expect(listed[0]?.metrics.tasksSucceeded).toBe(sampleMetrics().tasksSucceeded);
    const after = store.trustStats().rejected;
    expect(after.author - before.author).toBe(2);
    expect(after.badSignature - before.badSignature).toBe(1);
    expect(after.malformed - before.malformed).toBe(2);
  });
});
