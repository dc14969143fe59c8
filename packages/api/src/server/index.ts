export { createControlPlane, defaultCachePath, type ControlPlane, type ControlPlaneOptions } from "./control-plane.js";
export { handleClusterHealth, clusterHealth, type ClusterHealth } from "./cluster-health.js";
export { handleHealth } from "./health.js";
export { handleMetrics } from "./metrics.js";
export { handleGithubWebhook, createWebhookVerifier } from "./github-webhook.js";
export { handleTrpcRequest } from "./trpc-handler.js";
export { handleLogin, handleLogout } from "./auth-handlers.js";
export { SESSION_COOKIE, type Session } from "../auth/session-cookie.js";
export type { LoginResult, OperatorAuth } from "../auth/operator-auth.js";
