import { coerceError } from "@sentinel/coordination";
import type { AlertNotice, AlertSender, SendResult } from "./alert-notice.js";
import { noticeDetails, noticeHeadline } from "./alert-notice.js";

/** What the GitHub store offers for issues written for people (GithubStore's notice methods). */
export interface NoticeIssues {
  findNoticeIssue(label: string, marker: string): Promise<number | null>;
  openNoticeIssue(input: { title: string; body: string; label: string }): Promise<number>;
  closeNoticeIssue(issueNumber: number, comment: string): Promise<void>;
}

export function hasNoticeIssues(store: object): store is NoticeIssues {
  return "openNoticeIssue" in store && "closeNoticeIssue" in store && "findNoticeIssue" in store;
}

/** Alert issues carry this label and no other (not `sentinel`: they are not coordination records). */
export const ALERT_ISSUE_LABEL = "sentinel-alert";

/** In the body, so a retried open finds the issue an earlier attempt made. */
const marker = (alertId: number) => `<!-- sentinel-alert:${alertId} -->`;

/**
 * An issue per alert on the GitHub backend: opened on fire, commented and closed on resolve.
 * Cost: fire = 1 list read (the retry check) + 1 issue; resolve = 1 comment + 1 close PATCH.
 */
export function createGithubIssueSender(issues: NoticeIssues, target: string): AlertSender {
  return {
    channel: "github_issue",
    target,
    timeoutMs: 30_000,
    async send(notice: AlertNotice): Promise<SendResult> {
      const e = notice.episode;
      try {
        if (notice.transition === "fired") {
          const existing = await issues.findNoticeIssue(ALERT_ISSUE_LABEL, marker(e.id));
          const number =
            existing ??
            (await issues.openNoticeIssue({
              title: `[alert] ${e.severity} ${e.code}${e.subject === null ? "" : ` (${e.subject})`}`.slice(0, 250),
              body: `${noticeHeadline(notice)}\n\n${noticeDetails(notice)}\n\nThis issue is closed when the alert resolves.\n${marker(e.id)}`,
              label: ALERT_ISSUE_LABEL,
            }));
          return { ok: true, status: null, error: null, result: { issue: number } };
        }
        const issue = notice.firedResult?.issue;
        // The fire's issue was never opened (its delivery gave up): nothing to close.
        if (typeof issue !== "number") return { ok: true, status: null, error: null, result: { issue: null } };
        await issues.closeNoticeIssue(issue, `${noticeHeadline(notice)}\n\n${noticeDetails(notice)}`);
        return { ok: true, status: null, error: null, result: { issue } };
      } catch (thrown) {
        const error = coerceError(thrown);
        const status = (thrown as { status?: unknown }).status;
        return { ok: false, status: typeof status === "number" ? status : null, error: error.message };
      }
    },
  };
}
