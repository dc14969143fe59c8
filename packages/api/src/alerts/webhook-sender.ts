import { createHmac } from "node:crypto";
import type { AlertNotice, AlertSender, SendResult } from "./alert-notice.js";
import { noticeDetails, noticeHeadline } from "./alert-notice.js";

export interface WebhookSenderOptions {
  url: string;
  /** HMAC-SHA256 key for X-Sentinel-Signature. */
  secret?: string | undefined;
  timeoutMs?: number;
}

/** Slack-compatible: `text` for any incoming webhook, `blocks` for Slack, `sentinel` for machines. */
export function webhookBody(n: AlertNotice): Record<string, unknown> {
  const e = n.episode;
  const headline = noticeHeadline(n);
  return {
    text: headline,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${headline}*` } },
      { type: "context", elements: [{ type: "mrkdwn", text: noticeDetails(n) }] },
    ],
    sentinel: {
      event: n.transition,
      deliveryId: `${n.transitionId}`,
      alertId: e.id,
      rule: e.code,
      subject: e.subject,
      severity: e.severity,
      message: e.message,
      firedAt: new Date(e.firedAt).toISOString(),
      resolvedAt: e.resolvedAt === null ? null : new Date(e.resolvedAt).toISOString(),
    },
  };
}

/** The URL's path and query hold the secret of most incoming webhooks: only the origin may be shown. */
export function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return "[webhook URL]";
  }
}

/** An error message with every form of the URL replaced (fetch errors may echo it). */
export function redactMessage(message: string, url: string): string {
  let out = message;
  const parsed = URL.canParse(url) ? new URL(url) : null;
  const forms = [url, parsed?.href, parsed ? `${parsed.pathname}${parsed.search}` : undefined];
  for (const form of forms) if (form && form.length > 1) out = out.split(form).join(redactUrl(url));
  return out;
}

export function createWebhookSender(options: WebhookSenderOptions): AlertSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    channel: "webhook",
    target: redactUrl(options.url),
    timeoutMs,
    async send(notice): Promise<SendResult> {
      const body = JSON.stringify(webhookBody(notice));
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "user-agent": "task-sentinel-alerts",
        "x-sentinel-delivery": `${notice.transitionId}`,
        "x-sentinel-event": notice.transition,
        "x-sentinel-timestamp": timestamp,
      };
      if (options.secret)
        headers["x-sentinel-signature"] =
          `sha256=${createHmac("sha256", options.secret).update(`${timestamp}.${body}`).digest("hex")}`;
      try {
        const response = await fetch(options.url, {
          method: "POST",
          headers,
          body,
          redirect: "error",
          signal: AbortSignal.timeout(timeoutMs),
        });
        // Drain the body so the connection is released; its text is not kept (it may echo the request).
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return { ok: true, status: response.status, error: null };
        return { ok: false, status: response.status, error: `HTTP ${response.status} ${response.statusText}`.trim() };
      } catch (thrown) {
        const error = thrown instanceof Error ? thrown : new Error(String(thrown));
        const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
        const text = error.name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : `${error.message}${cause}`;
        return { ok: false, status: null, error: redactMessage(text, options.url) };
      }
    },
  };
}
