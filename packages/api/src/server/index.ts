export type { LoginResult, OperatorAuth } from "../auth/operator-auth.js";
export { SESSION_COOKIE, type Session } from "../auth/session-cookie.js";
export { handleLogin, handleLogout } from "./auth-handlers.js";
export { type ClusterHealth, clusterHealth, handleClusterHealth } from "./cluster-health.js";
export { type ControlPlane, type ControlPlaneOptions, createControlPlane, defaultCachePath } from "./control-plane.js";
export { createWebhookVerifier, handleGithubWebhook } from "./github-webhook.js";
export { handleHealth } from "./health.js";
export { handleMetrics } from "./metrics.js";
export { handleTrpcRequest } from "./trpc-handler.js";
