import { newTaskSchema, revokeAccessToken, rotateAccessToken } from "@sentinel/coordination";
import { TRPCError } from "@trpc/server";
import superjson from "superjson";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appRouter } from "../src/root.js";
import { dashboardRoutes } from "./dashboard-routes.js";
import { type Harness, loginWithRole, openHarness, registration, serve } from "./fixtures.js";

/**
 * The role every procedure needs. A procedure added without a role, or one missing from this
 * table, fails the walk below: whoever adds it decides here, in review, who may call it.
 */
const EXPECTED_ROLES: Record<string, "public" | "viewer" | "operator" | "admin"> = {
  "session.me": "public",
  "overview.get": "viewer",
  "workers.list": "viewer",
  "workers.summary": "viewer",
  "workers.taskTypes": "viewer",
  "workers.timeline": "viewer",
  "workers.timelines": "viewer",
  "workers.budgets": "viewer",
  "locks.list": "viewer",
  "locks.history": "viewer",
  "tasks.list": "viewer",
  "tasks.count": "viewer",
  "tasks.get": "viewer",
  "tasks.log": "viewer",
  "queues.list": "viewer",
  "schedules.list": "viewer",
  "schedules.get": "viewer",
  "memory.namespaces": "viewer",
  "memory.list": "viewer",
  "memory.get": "viewer",
  "audit.list": "viewer",
  "alerts.list": "viewer",
  "settings.get": "viewer",
  live: "viewer",
  "workers.drain": "operator",
  "workers.resume": "operator",
  "workers.remove": "operator",
  "locks.forceRelease": "operator",
  "tasks.create": "operator",
  "tasks.retry": "operator",
  "tasks.cancel": "operator",
  "tasks.requeue": "operator",
  "tasks.reassign": "operator",
  "tasks.bulk": "operator",
  "tasks.promote": "operator",
  "tasks.edit": "operator",
  "queues.pause": "operator",
  "queues.resume": "operator",
  "queues.setLimit": "operator",
  "schedules.create": "operator",
  "schedules.pause": "operator",
  "schedules.resume": "operator",
  "schedules.edit": "operator",
  "schedules.delete": "operator",
  "settings.setStrategy": "admin",
  "tokens.list": "admin",
  "tokens.create": "admin",
  "tokens.rotate": "admin",
  "tokens.revoke": "admin",
};

interface WalkedProcedure {
  path: string;
  type: "query" | "mutation" | "subscription";
  role: string | undefined;
}

function walkRouter(): WalkedProcedure[] {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: WalkedProcedure["type"]; meta?: { role?: string } } }
  >;
  return Object.entries(procedures).map(([path, procedure]) => ({
    path,
    type: procedure._def.type,
    role: procedure._def.meta?.role,
  }));
}

const MUTATIONS = walkRouter().filter((p) => p.type === "mutation");

let h: Harness;
beforeEach(async () => {
  h = openHarness();
  await h.store.registerWorker(registration("w1"));
  await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
  await h.cp.syncer.syncOnce();
});
afterEach(async () => h.close());

describe("every procedure declares its role", () => {
  it("walks the whole router: each procedure has the role in the table, and every mutation needs operator or admin", () => {
    const walked = walkRouter();
    expect(walked.length).toBeGreaterThan(30);
    expect(Object.fromEntries(walked.map((p) => [p.path, p.role]))).toEqual(EXPECTED_ROLES);
    for (const p of MUTATIONS) expect(["operator", "admin"], p.path).toContain(p.role);
  });
});

describe("a viewer token", () => {
  it("reads everything a viewer may read", async () => {
    const viewer = await loginWithRole(h, "viewer");
    await expect(viewer.caller.tasks.list({})).resolves.toMatchObject({ items: [expect.anything()] });
    await expect(viewer.caller.audit.list({})).resolves.toBeDefined();
    await expect(viewer.caller.session.me()).resolves.toEqual({
      operator: "viewer-user",
      role: "viewer",
      readOnlyView: true,
    });
  });

  it.each(MUTATIONS.map((m) => [m.path, m.role]))(
    "%s over HTTP is refused with 403 naming the role it needs (%s), and the refusal is audited",
    async (path, role) => {
      const viewer = await loginWithRole(h, "viewer");
      const server = await serve(dashboardRoutes(h.cp));
      try {
        const before = await h.store.listTasks({ limit: 100 });
        // Input that would pass validation is not needed: the role is checked first.
        const res = await fetch(`${server.url}/api/trpc/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie: viewer.cookie },
          body: JSON.stringify(superjson.serialize({ taskId: before.items[0]!.id, workerId: "w1", type: "demo" })),
        });
        expect(res.status).toBe(403);
        const body = (await res.json()) as { error: { json: { message: string } } };
        expect(body.error.json.message).toBe(`${path} needs the ${role} role; this token's role is viewer`);
        const after = await h.store.listTasks({ limit: 100 });
        expect(after.items).toEqual(before.items);
        const [refused] = await h.store.listAudit({ limit: 1 });
        expect(refused).toMatchObject({
          actor: "viewer-user",
          role: "viewer",
          action: path,
          result: "refused",
          reason: `${path} needs the ${role} role; this token's role is viewer`,
        });
      } finally {
        await server.close();
      }
    },
  );

  it("is refused with a bearer token too, and cannot make itself an admin", async () => {
    const viewer = await loginWithRole(h, "viewer");
    const server = await serve(dashboardRoutes(h.cp));
    try {
      const res = await fetch(`${server.url}/api/trpc/tokens.create`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${viewer.token}` },
        body: JSON.stringify(superjson.serialize({ name: "mine", role: "admin" })),
      });
      expect(res.status).toBe(403);
      expect(h.cp.auth.listTokens().map((t) => t.name)).not.toContain("mine");
    } finally {
      await server.close();
    }
  });
});

describe("an operator token", () => {
  it("acts on tasks but cannot manage tokens or settings", async () => {
    const operator = await loginWithRole(h, "operator");
    await expect(operator.caller.tasks.create({ type: "demo" })).resolves.toMatchObject({ state: "queued" });
    for (const call of [
      () => operator.caller.tokens.create({ name: "x", role: "admin" }),
      () => operator.caller.tokens.list(),
      () => operator.caller.settings.setStrategy({ strategy: "round_robin" }),
    ]) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("FORBIDDEN");
      expect((error as TRPCError).message).toMatch(/needs the admin role; this token's role is operator/);
    }
  });
});

describe("token lifecycle", () => {
  it("an admin creates, lists and revokes tokens; revoking ends the token's sessions and bearer use", async () => {
    const created = await h.operator.tokens.create({ name: "bob", role: "operator" });
    expect(created.secret.token).toMatch(/^sk_/);
    const listed = await h.operator.tokens.list();
    expect(listed.map((t) => [t.name, t.role, t.source, t.revocable])).toEqual([
      ["alice", "admin", "env", false],
      ["bob", "operator", "store", true],
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.secret.token);
    const login = h.cp.auth.login(created.secret.token);
    if (!login.ok) throw new Error("bob could not log in");
    const cookie = login.setCookie.split(";")[0]!;
    const bob = h.cp.createContext({ headers: new Headers({ cookie }) });
    expect(bob.session).toEqual({ operator: "bob", role: "operator" });

    await h.operator.tokens.revoke({ name: "bob" });
    expect(h.cp.createContext({ headers: new Headers({ cookie }) }).session).toBeNull();
    expect(h.cp.auth.operatorFromBearer(`Bearer ${created.secret.token}`)).toBeNull();
    expect(h.cp.auth.login(created.secret.token)).toEqual({ ok: false });
    // The audit names the token, never its secret.
    const audit = await h.store.listAudit({ limit: 10, action: "token." });
    expect(audit.map((a) => [a.action, a.target, a.result])).toEqual([
      ["token.revoke", "bob", "ok"],
      ["token.create", "bob", "ok"],
    ]);
    expect(JSON.stringify(audit)).not.toContain(created.secret.token);
  });

  it("a token revoked or rotated in the store (the CLI) ends its sessions at the next refresh", async () => {
    const carol = await loginWithRole(h, "operator", "carol");
    const dave = await loginWithRole(h, "viewer", "dave");
    await revokeAccessToken(h.store, "carol", "operator:cli:test");
    const rotated = await rotateAccessToken(h.store, "dave", "operator:cli:test");
    await h.cp.tokens.refresh();
    expect(h.cp.createContext({ headers: new Headers({ cookie: carol.cookie }) }).session).toBeNull();
    expect(h.cp.createContext({ headers: new Headers({ cookie: dave.cookie }) }).session).toBeNull();
    expect(h.cp.auth.login(dave.token)).toEqual({ ok: false });
    expect(h.cp.auth.login(rotated.token)).toMatchObject({ ok: true, operator: "dave", role: "viewer" });
  });

  it("refuses a name that is taken (by a stored or a configured token)", async () => {
    await expect(h.operator.tokens.create({ name: "alice", role: "viewer" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("invalid name"),
    });
    await h.operator.tokens.create({ name: "erin", role: "viewer" });
    await expect(h.operator.tokens.create({ name: "erin", role: "admin" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
