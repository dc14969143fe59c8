import { RequestError } from "@octokit/request-error";
import type { GithubClient } from "./octokit-client.js";

/**
 * A request to watch the `Date` header with while calibrating the store clock. `/rate_limit`
 * costs no budget; GitHub Enterprise Server with rate limiting off answers it 404, and then
 * the repository itself serves (nothing is counted there either).
 */
export async function calibrationProbe(
  client: GithubClient,
  owner: string,
  repo: string,
): Promise<() => Promise<unknown>> {
  const rateLimit = () => client.request("GET /rate_limit");
  try {
    await rateLimit();
    return rateLimit;
  } catch (error) {
    if (!(error instanceof RequestError && error.status === 404)) throw error;
    return () => client.request("GET /repos/{owner}/{repo}", { owner, repo });
  }
}
