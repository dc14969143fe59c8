/** The control plane's server entry (`@sentinel/api/server`): what the Next app's route handlers are built from. */
export { handleLogin, handleLogout } from "./auth-handlers.js";
export { handleClusterHealth } from "./cluster-health.js";
export { type ControlPlane, type ControlPlaneOptions, createControlPlane } from "./control-plane.js";
export { handleGithubWebhook } from "./github-webhook.js";
export { handleHealth } from "./health.js";
export { handleMetrics } from "./metrics.js";
export { controlPlaneSpendCheck } from "./spend-check.js";
export { handleTrpcRequest } from "./trpc-handler.js";
