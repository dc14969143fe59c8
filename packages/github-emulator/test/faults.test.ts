import { waitFor } from "@sentinel/test-support";
import { describe, expect, it } from "vitest";
import { adminCall, api, createIssue, octokitFor, ownerRepo, repoPath, startTestEmulator } from "./helpers.js";

async function statuses(errorRate: number, seed: number, count: number): Promise<number[]> {
  const emulator = await startTestEmulator({ faults: { errorRate, seed }, rateLimit: { limit: 100_000 } });
  const result: number[] = [];
  for (let index = 0; index < count; index += 1) result.push((await api(emulator, "GET", repoPath)).status);
  await emulator.close();
  return result;
}

describe("server errors", () => {
  it("injects 502/503 at roughly the configured rate, reproducibly for a seed", async () => {
    const first = await statuses(0.3, 42, 200);
    const failures = first.filter((status) => status >= 500);
    expect(failures.length / first.length).toBeGreaterThan(0.22);
    expect(failures.length / first.length).toBeLessThan(0.38);
    expect(new Set(failures)).toEqual(new Set([502, 503]));
    expect(first.filter((status) => status !== 200 && status < 500)).toEqual([]);
    expect(await statuses(0.3, 42, 200)).toEqual(first);
    expect(await statuses(0.3, 7, 200)).not.toEqual(first);
  });

  it("can apply a write and still answer 502, so clients must handle ghost writes", async () => {
    const emulator = await startTestEmulator({ faults: { errorAfterWriteRate: 1 } });
    const response = await api(emulator, "POST", `${repoPath}/issues`, { body: { title: "ghost" } });
    expect(response.status).toBe(502);
    emulator.setFaults({ errorAfterWriteRate: 0 });
    const { data } = await octokitFor(emulator).rest.issues.listForRepo({ ...ownerRepo });
    expect(data.map((issue) => issue.title)).toEqual(["ghost"]);
  });
});

describe("latency and hangs", () => {
  it("adds the configured latency", async () => {
    const emulator = await startTestEmulator({ faults: { latencyMs: 150 } });
    const start = performance.now();
    await api(emulator, "GET", repoPath);
    expect(performance.now() - start).toBeGreaterThanOrEqual(145);
  });

  it("holds a response past the client's timeout and still lets close() finish at once", async () => {
    const emulator = await startTestEmulator({ faults: { hangRate: 1, hangMs: 30_000 } });
    await expect(api(emulator, "GET", repoPath, { signal: AbortSignal.timeout(200) })).rejects.toThrow(
      /abort|timeout/i,
    );
    const start = performance.now();
    await emulator.close();
    expect(performance.now() - start).toBeLessThan(1_000);
    expect(emulator.stats().counters.hangs).toBe(1);
  });
});

describe("read-after-write lag", () => {
  it("hides a write from reads until the lag passes, while the writer gets the object at once", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator);
    emulator.setFaults({ readLagMs: 400 });
    const octokit = octokitFor(emulator);
    const written = Date.now();
    const created = await octokit.rest.issues.createComment({
      ...ownerRepo,
      issue_number: number,
      body: "claim",
    });
    expect(created.data.body).toBe("claim");

    expect((await api(emulator, "GET", `${repoPath}/issues/comments/${created.data.id}`)).status).toBe(404);
    const list = () =>
      octokit.rest.issues.listComments({ ...ownerRepo, issue_number: number }).then((response) => response.data);
    expect(await list()).toEqual([]);
    expect((await octokit.rest.issues.get({ ...ownerRepo, issue_number: number })).data.comments).toBe(0);

    const converged = await waitFor(async () => {
      const comments = await list();
      return comments.length === 1 ? comments : null;
    }, 5000);
    expect(Date.now() - written).toBeGreaterThanOrEqual(380);
    expect(converged[0]?.id).toBe(created.data.id);

    const edited = await octokit.rest.issues.updateComment({
      ...ownerRepo,
      comment_id: created.data.id,
      body: "released",
    });
    expect(edited.data.body).toBe("released");
    expect((await octokit.rest.issues.getComment({ ...ownerRepo, comment_id: created.data.id })).data.body).toBe(
      "claim",
    );
    await waitFor(async () => {
      const { data } = await octokit.rest.issues.getComment({ ...ownerRepo, comment_id: created.data.id });
      return data.body === "released";
    }, 5000);
  });

  it("hides a fresh issue from single GETs (404) until it replicates", async () => {
    const emulator = await startTestEmulator({ faults: { readLagMs: 300 } });
    const number = await createIssue(emulator);
    expect((await api(emulator, "GET", `${repoPath}/issues/${number}`)).status).toBe(404);
    await waitFor(async () => (await api(emulator, "GET", `${repoPath}/issues/${number}`)).status === 200, 5000);
  });
});

describe("admin API", () => {
  it("requires the admin token and validates fault patches, naming the field", async () => {
    const emulator = await startTestEmulator();
    expect((await api(emulator, "GET", "/_emulator/stats")).status).toBe(401);
    const bad = await adminCall(emulator, "POST", "/faults", { errorRate: 2 });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ message: expect.stringContaining("errorRate") });
    const unknown = await adminCall(emulator, "POST", "/faults", { errorRat: 0.1 });
    expect(unknown.status).toBe(400);
    const updated = await adminCall(emulator, "POST", "/faults", { latencyMs: 5, seed: 9 });
    expect(updated.json).toMatchObject({ latencyMs: 5, seed: 9, errorRate: 0 });
    const reset = await adminCall(emulator, "POST", "/faults", { reset: true });
    expect(reset.json).toMatchObject({ latencyMs: 0, seed: 1 });
  });

  it("counts requests per method, route and status, and resets the counts", async () => {
    const emulator = await startTestEmulator();
    const number = await createIssue(emulator);
    await api(emulator, "GET", `${repoPath}/issues/${number}`);
    await api(emulator, "GET", `${repoPath}/issues/999`);
    await api(emulator, "GET", repoPath, { token: "bad" });
    const stats = (await adminCall(emulator, "GET", "/stats")).json as ReturnType<typeof emulator.stats>;
    expect(stats.total).toBe(4);
    expect(stats.byMethod).toEqual({ GET: 3, POST: 1 });
    expect(stats.byRoute["GET /repos/{owner}/{repo}/issues/{issue_number}"]).toEqual({ "200": 1, "404": 1 });
    expect(stats.byRoute["POST /repos/{owner}/{repo}/issues"]).toEqual({ "201": 1 });
    expect(stats.byStatus["401"]).toBe(1);
    expect((await adminCall(emulator, "DELETE", "/stats")).status).toBe(204);
    expect(emulator.stats().total).toBe(0);
  });

  it("moves the emulator clock", async () => {
    const emulator = await startTestEmulator();
    const moved = await adminCall(emulator, "POST", "/clock", { offsetMs: 86_400_000 });
    expect(moved.json).toMatchObject({ offsetMs: 86_400_000 });
    const number = await createIssue(emulator);
    const issue = await api(emulator, "GET", `${repoPath}/issues/${number}`);
    expect(Date.parse((issue.json as { created_at: string }).created_at)).toBeGreaterThan(Date.now() + 86_000_000);
  });
});
