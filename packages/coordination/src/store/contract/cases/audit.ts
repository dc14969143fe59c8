import { expect, it } from "vitest";
import {
  ACCESS_TOKENS_SETTING_KEY,
  createAccessToken,
  hashAccessToken,
  listAccessTokens,
  revokeAccessToken,
  rotateAccessToken,
} from "../../../access/access-tokens.js";
import { AUDIT_SNAPSHOT_FIELDS, auditSnapshot, type NewAuditRecord } from "../../../domain/audit.js";
import { type ContractContext, expectValidationError, waitForStoreTime } from "../harness.js";

function entry(overrides: Partial<NewAuditRecord> = {}): NewAuditRecord {
  return {
    actor: "alice",
    role: "operator",
    action: "task.cancel",
    target: "t-1",
    before: { state: "queued" },
    after: { state: "cancelled" },
    result: "ok",
    reason: null,
    ...overrides,
  };
}

export function auditCases(ctx: ContractContext): void {
  it("records actions with the store's clock and order, newest first, and filters by actor, action, target and time", async () => {
    const store = ctx.store();
    const start = await store.now();
    const first = await store.appendAudit(entry());
    await waitForStoreTime(ctx.harness(), first.at + 1_100);
    const middle = await store.now();
    const second = await store.appendAudit(
      entry({ actor: "cli:bob", role: "cli", action: "worker.drain", target: "w-1", before: null, after: null }),
    );
    const third = await store.appendAudit(
      entry({ action: "task.retry", target: "t-2", result: "refused", reason: "task t-2 is running", after: null }),
    );
    expect(second.id).toBeGreaterThan(first.id);
    expect(third.id).toBeGreaterThan(second.id);
    expect(first.at).toBeGreaterThanOrEqual(start - 1_000);

    const all = await store.listAudit({ limit: 10 });
    expect(all.map((a) => a.id)).toEqual([third.id, second.id, first.id]);
    expect(all[2]).toEqual({ ...entry(), id: first.id, at: first.at });
    expect(all[0]).toMatchObject({ result: "refused", reason: "task t-2 is running" });

    const ids = async (filter: Parameters<typeof store.listAudit>[0]) =>
      (await store.listAudit(filter)).map((a) => a.id);
    expect(await ids({ limit: 10, actor: "cli:bob" })).toEqual([second.id]);
    expect(await ids({ limit: 10, action: "task.cancel" })).toEqual([first.id]);
    expect(await ids({ limit: 10, action: "task." })).toEqual([third.id, first.id]);
    expect(await ids({ limit: 10, target: "t-2" })).toEqual([third.id]);
    expect(await ids({ limit: 10, to: first.at })).toEqual([first.id]);
    expect(await ids({ limit: 10, from: middle - 1_000, action: "task." })).toEqual([third.id]);
    expect(await ids({ limit: 1 })).toEqual([third.id]);
    expect(await ids({ limit: 10, beforeId: third.id })).toEqual([second.id, first.id]);
  });

  it("refuses oversized or malformed records naming the field, and keeps nothing of them", async () => {
    const store = ctx.store();
    const wide = Object.fromEntries(Array.from({ length: AUDIT_SNAPSHOT_FIELDS + 5 }, (_, i) => [`f${i}`, i]));
    await expectValidationError(store.appendAudit(entry({ before: wide })), "before");
    await expectValidationError(store.appendAudit(entry({ after: { state: "x".repeat(5_000) } })), "after.state");
    await expectValidationError(store.appendAudit(entry({ reason: "r".repeat(5_000) })), "reason");
    await expectValidationError(store.appendAudit(entry({ action: "Drop Table" })), "action");
    await expectValidationError(store.appendAudit(entry({ actor: "" })), "actor");
    expect(await store.listAudit({ limit: 10 })).toEqual([]);
    // What the services write is bounded before it gets here: a huge value becomes a small snapshot.
    const huge = { state: "running", params: { blob: "x".repeat(1_000_000) }, note: "n".repeat(10_000) };
    const kept = await store.appendAudit(entry({ before: auditSnapshot(huge) }));
    expect(kept.before).toEqual({ state: "running", note: `${"n".repeat(200)}… (cut)` });
  });

  it("keeps named access tokens as hashes: create, list, rotate and revoke", async () => {
    const store = ctx.store();
    const made = await createAccessToken(store, { name: "ci", role: "operator", actor: "operator:admin" });
    expect(made.record).toMatchObject({ name: "ci", role: "operator", hash: hashAccessToken(made.token) });
    expect(await store.getSetting(ACCESS_TOKENS_SETTING_KEY)).not.toContain(made.token);
    await expect(createAccessToken(store, { name: "ci", role: "admin", actor: "x" })).rejects.toMatchObject({
      field: "name",
    });
    const rotated = await rotateAccessToken(store, "ci", "operator:admin");
    expect((await listAccessTokens(store)).map((t) => [t.name, t.role, t.hash])).toEqual([
      ["ci", "operator", hashAccessToken(rotated.token)],
    ]);
    await revokeAccessToken(store, "ci", "operator:admin");
    expect(await listAccessTokens(store)).toEqual([]);
    await expect(revokeAccessToken(store, "ci", "x")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses token changes over a token setting it cannot read, naming the setting and keeping it", async () => {
    const store = ctx.store();
    await createAccessToken(store, { name: "ci", role: "operator", actor: "operator:admin" });
    const stored = await store.getSetting(ACCESS_TOKENS_SETTING_KEY);
    // Read as "no tokens", the next change would have written a list holding only itself.
    const damaged = stored?.replace(/"hash":"[0-9a-f]+"/, '"hash":"not-hex"') ?? "";
    await store.setSetting(ACCESS_TOKENS_SETTING_KEY, damaged, "someone");
    await expect(listAccessTokens(store)).rejects.toThrow(/invalid setting access\.tokens: .*tokens\.0\.hash/);
    await expect(createAccessToken(store, { name: "other", role: "viewer", actor: "x" })).rejects.toThrow(
      /setting access\.tokens/,
    );
    await expect(rotateAccessToken(store, "ci", "x")).rejects.toThrow(/setting access\.tokens/);
    await expect(revokeAccessToken(store, "ci", "x")).rejects.toThrow(/setting access\.tokens/);
    await store.setSetting(ACCESS_TOKENS_SETTING_KEY, "{not json", "someone");
    await expect(createAccessToken(store, { name: "other", role: "viewer", actor: "x" })).rejects.toThrow(
      /setting access\.tokens: .*not JSON/,
    );
    expect(await store.getSetting(ACCESS_TOKENS_SETTING_KEY)).toBe("{not json");
  });
}
