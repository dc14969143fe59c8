import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.js";

/** The API package's client-side entry: the router's type, for the dashboard's typed tRPC client. The server side is `@sentinel/api/server`. */
export type { AppRouter } from "./root.js";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type { AuditRecord, Role } from "@sentinel/coordination";
