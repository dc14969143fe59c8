import type { AlertEpisode, AlertTransition } from "@sentinel/coordination";

/** One fire or resolve to deliver: what every channel formats. */
export interface AlertNotice {
  transition: AlertTransition;
  /** The canonical event of the transition: with the channel, the delivery's idempotency key. */
  transitionId: number;
  at: number;
  episode: AlertEpisode;
  /** What the fire's delivery on this channel recorded (GitHub: the issue it opened). */
  firedResult: Record<string, unknown> | null;
}

/** What a channel reports back; `error` never contains a secret (senders redact). */
export interface SendResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  result?: Record<string, unknown>;
}

export interface AlertSender {
  channel: "webhook" | "github_issue";
  /** Where it delivers, safe to show (no secret). */
  target: string;
  /** The longest one send may take (it is aborted then); a claim is used only with this much lease left. */
  timeoutMs: number;
  send(notice: AlertNotice): Promise<SendResult>;
}

/** One line a person reads first: state, severity, rule, message. */
export function noticeHeadline(n: AlertNotice): string {
  const e = n.episode;
  const state = n.transition === "fired" ? "FIRING" : "RESOLVED";
  const subject = e.subject === null ? "" : ` (${e.subject})`;
  return `[${state}] ${e.severity} ${e.code}${subject}: ${e.message}`;
}

export function noticeDetails(n: AlertNotice): string {
  const e = n.episode;
  const parts = [`alert #${e.id}`, `fired ${new Date(e.firedAt).toISOString()}`];
  if (n.transition === "resolved" && e.resolvedAt !== null)
    parts.push(`resolved ${new Date(e.resolvedAt).toISOString()}`);
  return parts.join(" · ");
}
