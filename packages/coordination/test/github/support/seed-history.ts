import type { Emulator } from "@sentinel/github-emulator";
import { OWNER, REPO, SECRET } from "@sentinel/test-support/emulator";
import { decodeRecord, encodeRecord } from "../../../src/store/github/trust/record-codec.js";

const MARKER = "<!-- sentinel:v1 ";
const DAY_MS = 86_400_000;

type Snapshot = ReturnType<Emulator["state"]["snapshot"]>;
type RepoSnapshot = Snapshot["repos"][number];
type IssueRow = RepoSnapshot["issues"][number];
type CommentRow = RepoSnapshot["comments"][number];

function shifted(timestamp: string, byMs: number): string {
  return new Date(Date.parse(timestamp) + byMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Re-signs a record for its new place, as the store would have written it there: a task body
 * gets a fresh nonce, a rewrite names its new comment id, and the signing time (and the
 * writer's `at`) move with the copy's timestamps (so `maxSignatureAgeMs` judges it as it judged the original).
 */
function resign(body: string, scope: { issue: number | "body"; comment: number; shiftMs: number; nonce?: string }) {
  const decoded = decodeRecord(body);
  if (!decoded.ok) throw new Error(`seed: the template holds an unreadable record (${decoded.reason})`);
  const { p, t, c } = decoded.envelope;
  const original = p as Record<string, unknown>;
  const payload: Record<string, unknown> = {
    ...original,
    // The writer's own time moves with the copy too: a task's runAt starts from it, and a
    // claim GitHub dated before runAt would not count.
    ...(typeof original.at === "number" ? { at: original.at + scope.shiftMs } : {}),
    ...(scope.nonce ? { n: scope.nonce } : {}),
  };
  const human = body.slice(0, body.indexOf(MARKER)).trimEnd();
  return encodeRecord(
    SECRET,
    {
      issue: scope.issue,
      kind: String(payload.k),
      comment: c === undefined ? null : scope.comment,
      signedAt: (t as number) + scope.shiftMs,
    },
    human,
    payload,
  );
}

/**
 * Adds `count` copies of the finished task on issue `template` (its issue and every comment on
 * it, each validly signed for its new place), dated one second apart going back from the
 * template's own time: a repository with a long history, written straight into the emulator's
 * state instead of through thousands of requests.
 */
export function seedFinishedTasks(emulator: Emulator, template: number, count: number): void {
  const snapshot = emulator.state.snapshot();
  const repo = snapshot.repos.find((r) => r.record.owner === OWNER && r.record.name === REPO);
  const issue = repo?.issues.find((row) => row.number === template);
  if (!repo || !issue) throw new Error(`seed: no issue #${template} in ${OWNER}/${REPO}`);
  const comments = repo.comments.filter((row) => row.issueNumber === template);
  const issues: IssueRow[] = [];
  const copies: CommentRow[] = [];
  for (let i = 1; i <= count; i += 1) {
    const shiftMs = -i * 1000 - DAY_MS;
    const number = repo.nextIssueNumber++;
    snapshot.ids.issue += 1;
    issues.push({
      ...issue,
      id: snapshot.ids.issue,
      number,
      body: resign(issue.body ?? "", {
        issue: "body",
        comment: 0,
        shiftMs,
        nonce: `seed${String(i).padStart(9, "0")}`,
      }),
      createdAt: shifted(issue.createdAt, shiftMs),
      updatedAt: shifted(issue.updatedAt, shiftMs),
      closedAt: issue.closedAt ? shifted(issue.closedAt, shiftMs) : null,
    });
    for (const comment of comments) {
      snapshot.ids.comment += 1;
      const id = snapshot.ids.comment;
      copies.push({
        ...comment,
        id,
        issueNumber: number,
        body: resign(comment.body, { issue: number, comment: id, shiftMs }),
        createdAt: shifted(comment.createdAt, shiftMs),
        updatedAt: shifted(comment.updatedAt, shiftMs),
      });
    }
  }
  repo.issues = issues;
  repo.comments = copies;
  emulator.state.restore(snapshot);
}
