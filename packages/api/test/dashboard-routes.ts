import {
  handleClusterHealth,
  handleGithubWebhook,
  handleHealth,
  handleLogin,
  handleLogout,
  handleMetrics,
  handleTrpcRequest,
} from "../src/server/index.js";
import type { Harness, WebHandler } from "./fixtures.js";

/** The dashboard's route files (apps/web/src/app/.../route.ts) as one handler: same paths, same handlers. */
export function dashboardRoutes(cp: Harness["cp"]): WebHandler {
  return async (request) => {
    const path = new URL(request.url).pathname;
    if (path.startsWith("/api/trpc/")) return handleTrpcRequest(request, cp);
    if (path === "/api/auth/login") return handleLogin(request, cp);
    if (path === "/api/auth/logout") return handleLogout(request, cp);
    if (path === "/api/webhooks/github") return handleGithubWebhook(request, cp);
    if (path === "/cluster/health") return handleClusterHealth(request, cp);
    if (path === "/health") return handleHealth(request, cp);
    if (path === "/metrics") return handleMetrics(request, cp);
    return new Response("not found", { status: 404 });
  };
}
