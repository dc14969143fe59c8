import { RequestError } from "@octokit/request-error";
import { ValidationError } from "../../../errors.js";
import { GithubResponseError } from "../github-errors.js";
import type { GithubClient } from "./octokit-client.js";

export interface IdentityOptions {
  /** Configured: no request is made. */
  login?: string;
  /** Who an integration token writes as when GET /user refuses it (github-actions[bot] under Actions). */
  integrationLogin?: string;
  app?: unknown;
}

/**
 * The login the store's comments are authored by — the default allowed author, so it must be
 * exactly what GitHub shows on them. Learned without endpoints the token cannot call:
 * configured; for a GitHub App, `GET /app` with the app's JWT names the slug and the bot is
 * `<slug>[bot]`; for other tokens `GET /user`, which App installation and Actions tokens are
 * refused (403 "Resource not accessible by integration") — then the integration login applies.
 */
export async function resolveLogin(client: GithubClient, options: IdentityOptions): Promise<string> {
  if (options.login) return options.login;
  if (options.app) {
    const { data } = await client.request("GET /app");
    if (!data?.slug) throw new GithubResponseError("GET /app did not name the app's slug");
    return `${data.slug}[bot]`;
  }
  try {
    const { data } = await client.request("GET /user");
    return data.login;
  } catch (error) {
    if (!(error instanceof RequestError && error.status === 403)) throw error;
    if (options.integrationLogin) return options.integrationLogin;
    throw new ValidationError(
      "login",
      "the login this token writes as (SENTINEL_LOGIN): GET /user refused it, as it does App installation and Actions tokens — e.g. my-app[bot] or github-actions[bot]",
    );
  }
}
