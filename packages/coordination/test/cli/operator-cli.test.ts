import { join } from "node:path";
import { tempDir } from "@sentinel/test-support";
import { describe, expect, it } from "vitest";
import { hashAccessToken, listAccessTokens } from "../../src/access/access-tokens.js";
import { newTaskSchema } from "../../src/domain/task.js";
import { claimMeta, registration } from "../../src/store/contract/harness.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { cli } from "./cli-harness.js";

async function withStore<T>(dbPath: string, fn: (store: ReturnType<typeof openSqliteStore>) => Promise<T>) {
  const store = openSqliteStore({ path: dbPath });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe("sentinel drain | undrain | reassign | lock release", () => {
  it("act through the same services as the dashboard, and each lands in the store's audit", async () => {
    const dbPath = join(tempDir("sentinel-operator-cli").path, "store.db");
    const taskId = await withStore(dbPath, async (store) => {
      await store.registerWorker(registration("w1"));
      await store.registerWorker(registration("w2"));
      const task = await store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
      await store.claimTasks({ workerId: "w1", taskIds: [task.id], metadata: claimMeta });
      return task.id;
    });

    expect(await cli(dbPath, "drain", "w2")).toMatchObject({ code: 0, out: "draining w2 (state DRAINING)" });
    expect(await cli(dbPath, "undrain", "w2")).toMatchObject({ code: 0, out: "resumed w2 (state ACTIVE)" });
    expect(await cli(dbPath, "--actor", "deploy-bot", "lock", "release", taskId)).toMatchObject({
      code: 0,
      out: `released the lock of ${taskId} (held by w1)`,
    });
    expect(await cli(dbPath, "lock", "release", taskId)).toMatchObject({
      code: 2,
      err: `sentinel: lock ${taskId} not found`,
    });
    expect(await cli(dbPath, "reassign", taskId, "--to", "w2")).toMatchObject({
      code: 0,
      out: `reassigned ${taskId} to w2`,
    });
    expect(await cli(dbPath, "reassign", taskId, "--to", "ghost")).toMatchObject({ code: 2 });

    await withStore(dbPath, async (store) => {
      expect((await store.getTask(taskId))?.pinnedWorkerId).toBe("w2");
      const audit = await store.listAudit({ limit: 20 });
      expect(audit.map((a) => [a.action, a.target, a.role, a.result])).toEqual([
        ["task.reassign", taskId, "cli", "refused"],
        ["task.reassign", taskId, "cli", "ok"],
        ["lock.force_release", taskId, "cli", "refused"],
        ["lock.force_release", taskId, "cli", "ok"],
        ["worker.resume", "w2", "cli", "ok"],
        ["worker.drain", "w2", "cli", "ok"],
      ]);
      expect(audit.every((a) => a.actor === "deploy-bot" || a.actor.startsWith("cli:"))).toBe(true);
      expect(audit[3]).toMatchObject({ actor: "deploy-bot", before: { ownerId: "w1" }, after: { ownerId: "w1" } });
      expect(audit[4]).toMatchObject({ before: { state: "DRAINING" }, after: { state: "ACTIVE" } });
      expect(audit[0]?.reason).toMatch(/ghost/);
      // The store's own events name the same actor.
      const events = await store.readEvents(0, 200);
      expect(events.find((e) => e.kind === "lock.force_released")?.actor).toBe("operator:deploy-bot");
    });
  });

  it("audits the task and queue commands that act, under --actor or cli:<os user>", async () => {
    const dbPath = join(tempDir("sentinel-operator-cli").path, "store.db");
    const created = JSON.parse((await cli(dbPath, "--json", "--actor", "ci-job", "task", "create", "demo")).out) as {
      id: string;
    };
    expect((await cli(dbPath, "task", "cancel", created.id)).code).toBe(0);
    expect((await cli(dbPath, "task", "retry", created.id)).code).toBe(0);
    expect((await cli(dbPath, "queue", "pause", "demo")).code).toBe(0);
    expect((await cli(dbPath, "queue", "resume", "demo")).code).toBe(0);
    expect((await cli(dbPath, "queue", "limit", "demo", "2")).code).toBe(0);
    expect((await cli(dbPath, "--actor", "has space", "queue", "pause", "demo")).code).toBe(2);
    await withStore(dbPath, async (store) => {
      const audit = (await store.listAudit({ limit: 20 })).reverse();
      expect(audit.map((a) => [a.action, a.target])).toEqual([
        ["task.create", "demo"],
        ["task.cancel", created.id],
        ["task.retry", created.id],
        ["queue.pause", "demo"],
        ["queue.resume", "demo"],
        ["queue.limit", "demo"],
      ]);
      expect(audit[0]?.actor).toBe("ci-job");
      expect(audit.slice(1).every((a) => /^cli:.+/.test(a.actor))).toBe(true);
      expect(audit[1]).toMatchObject({ before: { state: "queued" }, after: { state: "cancelled" } });
    });
  });
});

describe("every CLI command that acts is audited under --actor", () => {
  it("task promote and edit, the schedule commands and demo land in the store's audit", async () => {
    const dbPath = join(tempDir("sentinel-operator-cli").path, "store.db");
    const as = (...args: string[]) => cli(dbPath, "--actor", "ops-bot", ...args);
    const created = JSON.parse((await as("--json", "task", "create", "demo", "--delay", "1h")).out) as { id: string };
    expect((await as("task", "promote", created.id)).code).toBe(0);
    expect((await as("task", "edit", created.id, "--priority", "5")).code).toBe(0);
    expect((await as("task", "promote", created.id)).code).toBe(2);
    expect((await as("schedule", "create", "nightly", "demo", "--every", "1h")).code).toBe(0);
    expect((await as("schedule", "pause", "nightly")).code).toBe(0);
    expect((await as("schedule", "resume", "nightly")).code).toBe(0);
    expect((await as("schedule", "edit", "nightly", "--every", "2h")).code).toBe(0);
    expect((await as("schedule", "delete", "nightly")).code).toBe(0);
    expect((await as("schedule", "delete", "nightly")).code).toBe(2);
    expect(await as("demo", "--count", "3")).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^created 3 demo tasks/),
    });
    await withStore(dbPath, async (store) => {
      const audit = (await store.listAudit({ limit: 50 })).reverse();
      expect(audit.map((a) => [a.action, a.target, a.result])).toEqual([
        ["task.create", "demo", "ok"],
        ["task.promote", created.id, "ok"],
        ["task.edit", created.id, "ok"],
        ["task.promote", created.id, "refused"],
        ["schedule.create", "nightly", "ok"],
        ["schedule.pause", "nightly", "ok"],
        ["schedule.resume", "nightly", "ok"],
        ["schedule.edit", "nightly", "ok"],
        ["schedule.delete", "nightly", "ok"],
        ["schedule.delete", "nightly", "refused"],
        ["task.demo", "demo", "ok"],
      ]);
      expect(audit.every((a) => a.actor === "ops-bot" && a.role === "cli")).toBe(true);
      expect(audit[2]).toMatchObject({ before: { priority: 0 }, after: { priority: 5 } });
      expect(audit[10]?.after).toMatchObject({ created: 3 });
      // The store's own events name the same actor.
      const events = await store.readEvents(0, 200);
      for (const kind of ["task.promoted", "task.edited", "schedule.created"])
        expect(events.find((e) => e.kind === kind)?.actor).toBe("operator:ops-bot");
    });
  });
});

describe("sentinel token create | list | rotate | revoke", () => {
  it("prints a token once, stores only its hash, and audits each change without the secret", async () => {
    const dbPath = join(tempDir("sentinel-token-cli").path, "store.db");
    const made = await cli(dbPath, "--json", "token", "create", "grafana", "--role", "viewer");
    expect(made.code).toBe(0);
    const { token, role } = JSON.parse(made.out) as { token: string; role: string };
    expect(role).toBe("viewer");
    expect(await cli(dbPath, "token", "create", "x", "--role", "root")).toMatchObject({
      code: 2,
      err: 'sentinel: invalid role: expected viewer, operator, admin, got "root"',
    });
    expect((await cli(dbPath, "token", "list")).out).toMatch(/^NAME\s+ROLE\s+CREATED\s+BY\ngrafana\s+viewer\s/);
    expect((await cli(dbPath, "token", "list")).out).not.toContain(token);
    const rotated = JSON.parse((await cli(dbPath, "--json", "token", "rotate", "grafana")).out) as { token: string };
    await withStore(dbPath, async (store) => {
      expect((await listAccessTokens(store)).map((t) => t.hash)).toEqual([hashAccessToken(rotated.token)]);
    });
    expect(await cli(dbPath, "token", "revoke", "grafana")).toMatchObject({ code: 0, out: "revoked grafana" });
    expect(await cli(dbPath, "token", "revoke", "grafana")).toMatchObject({ code: 2 });
    await withStore(dbPath, async (store) => {
      expect(await listAccessTokens(store)).toEqual([]);
      const audit = await store.listAudit({ limit: 10, action: "token." });
      expect(audit.map((a) => [a.action, a.result])).toEqual([
        ["token.revoke", "refused"],
        ["token.revoke", "ok"],
        ["token.rotate", "ok"],
        ["token.create", "ok"],
      ]);
      const text = JSON.stringify(audit);
      expect(text).not.toContain(token);
      expect(text).not.toContain(rotated.token);
    });
  });
});
