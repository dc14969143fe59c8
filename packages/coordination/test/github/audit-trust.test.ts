import { editBody, OWNER, postComment, REPO, SECRET, withStranger } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import type { NewAuditRecord } from "../../src/domain/audit.js";
import { waitForStoreTime } from "../../src/store/contract/harness.js";
import { encodeRecord } from "../../src/store/github/trust/record-codec.js";

const setup = withStranger();

function auditIssue(): number {
  const issues = setup().emulator.state.repo(OWNER, REPO)?.visibleIssues() ?? [];
  const issue = issues.find((i) => i.labels.includes("sentinel:audit"));
  if (!issue) throw new Error("no audit issue");
  return issue.number;
}

const real: NewAuditRecord = {
  actor: "alice",
  role: "operator",
  action: "task.cancel",
  target: "gh-real",
  before: { state: "queued" },
  after: { state: "cancelled" },
  result: "ok",
  reason: null,
};
const forgedEntry = { ...real, actor: "mallory", action: "token.create", target: "backdoor" };
const payload = (n: string, entry: unknown) => ({ k: "audit", n, at: Date.now(), ev: [], entry });

describe("trust: forged audit records", () => {
  it("are never served: a stranger's, another account's, a wrong key's, or a real record edited and re-signed", async () => {
    const { store, bot, mallory, eve, openPeer } = setup();
    const kept = await store.appendAudit(real);
    const issue = auditIssue();
    const signed = (secret: string, n: string, comment: number | null = null) =>
      encodeRecord(secret, { issue, kind: "audit", comment, signedAt: Date.now() }, "audit", payload(n, forgedEntry));

    await postComment(mallory, issue, signed(SECRET, "forged-audit-0001"));
    await postComment(eve, issue, signed(SECRET, "forged-audit-0002"));
    await postComment(bot, issue, signed("wrong-key-wrong-key-wrong", "forged-audit-0003"));
    // Someone holding the key rewrites history: the comment's updated_at gives the edit away.
    await waitForStoreTime({ store, cleanup: async () => undefined, openPeer }, kept.at + 1_100);
    await editBody(bot, { comment: kept.id }, signed(SECRET, "forged-audit-0004", kept.id));
    const fresh = await store.appendAudit({ ...real, target: "gh-after" });

    const peer = await openPeer();
    const served = await peer.listAudit({ limit: 50 });
    expect(served.map((a) => [a.id, a.actor, a.target])).toEqual([[fresh.id, "alice", "gh-after"]]);
    expect(await peer.listAudit({ limit: 50, actor: "mallory" })).toEqual([]);
    expect(peer.trustStats().rejected).toMatchObject({ author: 2, badSignature: 1 });
  });
});
