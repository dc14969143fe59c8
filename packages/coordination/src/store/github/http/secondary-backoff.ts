/** GitHub's minimum wait after a secondary limit that names no time (docs: "at least one minute"). */
const MINIMUM_WAIT_SECONDS = 60;

/**
 * How long to wait before retrying a request GitHub refused for a secondary limit, in
 * seconds, or null when the response is no such refusal. The shapes, all retried the same
 * way because none of them took effect:
 * - 403 with "secondary rate limit" in the message, and any 429;
 * - 422 "was submitted too quickly" (and "has been spammed") on content creation, which
 *   plugin-throttling and plugin-retry do not treat as a limit at all.
 *
 * The wait follows GitHub's documented rule: `retry-after` when sent; else, when
 * `x-ratelimit-remaining` is 0, until `x-ratelimit-reset` (judged on the store clock, not the
 * local one); else one minute, doubled with each further refusal of the same request
 * (plugin-throttling waits a constant minute).
 */
export async function secondaryLimitWaitSeconds(
  response: Response,
  attempt: number,
  storeNowMs: number,
): Promise<number | null> {
  if (!(await isSecondaryLimit(response))) return null;
  const retryAfter = Number(response.headers.get("retry-after") ?? Number.NaN);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter;
  const reset = Number(response.headers.get("x-ratelimit-reset") ?? Number.NaN);
  if (response.headers.get("x-ratelimit-remaining") === "0" && Number.isFinite(reset))
    return Math.max(1, Math.ceil((reset * 1000 - storeNowMs) / 1000) + 1);
  return MINIMUM_WAIT_SECONDS * 2 ** attempt;
}

async function isSecondaryLimit(response: Response): Promise<boolean> {
  if (response.status === 429) return true;
  if (response.status !== 403 && response.status !== 422) return false;
  const text = await response.clone().text();
  return response.status === 403
    ? /secondary rate limit/i.test(text)
    : /submitted too quickly|has been spammed/i.test(text);
}
