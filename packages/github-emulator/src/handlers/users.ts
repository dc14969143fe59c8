import { toGitHubTimestamp } from "../clock.js";
import { HttpError } from "../http-error.js";
import { renderPrivateUser } from "../render/user.js";
import type { Handler } from "./context.js";

const USER_CREATED_AT = toGitHubTimestamp(Date.UTC(2020, 0, 1));

export const getAuthenticatedUser: Handler = (context) => {
  // App installation and Actions tokens belong to no user.
  if (context.user.integration)
    throw new HttpError(403, "Resource not accessible by integration", {
      documentationUrl: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
    });
  return { status: 200, body: renderPrivateUser(context.render.urls, context.user, USER_CREATED_AT) };
};

export const getRateLimit: Handler = (context) => {
  if (!context.rateLimit)
    throw new HttpError(404, "Rate limiting is not enabled.", {
      documentationUrl: "https://docs.github.com/enterprise-server/rest/rate-limit/rate-limit",
    });
  const { limit, remaining, used, reset } = context.rateLimit;
  const core = { limit, remaining, used, reset };
  const idle = (perHour: number) => ({ limit: perHour, remaining: perHour, used: 0, reset });
  return {
    status: 200,
    body: {
      resources: {
        core,
        search: idle(30),
        graphql: idle(5000),
        integration_manifest: idle(5000),
        code_search: idle(10),
        // The other resources GitHub lists, with its documented limits; nothing here uses them.
        source_import: idle(100),
        actions_runner_registration: idle(10_000),
        scim: idle(15_000),
        dependency_snapshots: idle(100),
        code_scanning_autofix: idle(10),
      },
      rate: core,
    },
  };
};
