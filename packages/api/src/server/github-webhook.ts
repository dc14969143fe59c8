import { Webhooks } from "@octokit/webhooks";
import { LIMITS } from "@sentinel/coordination";
import { BodyTooLargeError, readBoundedText } from "./bounded-body.js";
import type { Refusals } from "./refusals.js";

/** Whether a body carries a valid `X-Hub-Signature-256` for the configured secret. */
export type WebhookVerifier = (body: string, signature: string) => Promise<boolean>;

/** What a delivery reaches: the verifier (null without a secret) and the syncer it wakes. */
export interface WebhookTarget {
  readonly verifyWebhook: WebhookVerifier | null;
  readonly syncer: { nudge(): void };
  readonly refusals: Pick<Refusals, "count">;
}

/** `@octokit/webhooks` does the HMAC-SHA256 check (constant-time) for `X-Hub-Signature-256`. */
export function createWebhookVerifier(secret: string): WebhookVerifier {
  const webhooks = new Webhooks({ secret });
  return async (body, signature) => {
    try {
      return await webhooks.verify(body, signature);
    } catch {
      return false;
    }
  };
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/**
 * POST from GitHub. The payload itself is not trusted as state: a verified delivery only
 * wakes the syncer, which re-reads through the store port (and the reconcile poll covers
 * deliveries that never arrive — GitHub does not redeliver).
 */
export async function handleGithubWebhook(request: Request, controlPlane: WebhookTarget): Promise<Response> {
  if (request.method !== "POST") return text(405, "method not allowed");
  if (!controlPlane.verifyWebhook) return text(404, "webhooks are not configured (set GITHUB_WEBHOOK_SECRET)");
  const signature = request.headers.get("x-hub-signature-256");
  if (!signature) {
    controlPlane.refusals.count("webhook_signature");
    return text(401, "missing X-Hub-Signature-256");
  }
  let body: string;
  try {
    // Counted while it streams (chunked bodies declare no length): at most the limit is ever buffered or hashed.
    body = await readBoundedText(request, LIMITS.webhookBodyBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    controlPlane.refusals.count("webhook_too_large");
    return text(413, `payload larger than ${LIMITS.webhookBodyBytes} bytes (limit webhookBodyBytes)`);
  }
  if (!(await controlPlane.verifyWebhook(body, signature))) {
    controlPlane.refusals.count("webhook_signature");
    return text(401, "invalid X-Hub-Signature-256");
  }
  controlPlane.syncer.nudge();
  return text(202, "accepted");
}
