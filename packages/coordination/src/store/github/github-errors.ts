import { SentinelError } from "../../errors.js";

/**
 * A record this store just wrote came back without a valid signature from an allowed author:
 * the HMAC secret or the allowed authors differ from what this store writes with.
 */
export class RecordVerificationError extends SentinelError {
  readonly code = "RECORD_VERIFICATION";
  constructor(readonly subject: string) {
    super(`${subject} failed verification (check SENTINEL_HMAC_SECRET and allowed authors)`);
  }
}

/** An issue at GitHub's comment cap: GitHub would refuse one more comment (403), so none is sent. */
export class IssueFullError extends SentinelError {
  readonly code = "ISSUE_FULL";
  constructor(
    readonly issue: number,
    readonly comments: number,
    readonly cap: number,
  ) {
    super(`issue #${issue} holds ${comments} comments; GitHub refuses more than ${cap}`);
  }
}

/** GitHub answered without something the store needs from that answer. */
export class GithubResponseError extends SentinelError {
  readonly code = "GITHUB_RESPONSE";
}

/** The server clock was read before any response set it: opening the store makes a request first. */
export class ClockNotCalibratedError extends SentinelError {
  readonly code = "CLOCK_NOT_CALIBRATED";
  constructor() {
    super("server clock has no sample yet: make a request first");
  }
}
