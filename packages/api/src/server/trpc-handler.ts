import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "../root.js";
import type { ControlPlane } from "./control-plane.js";

/** The tRPC endpoint (queries, mutations, SSE subscriptions) for a Next route handler at `endpoint`. */
export function handleTrpcRequest(
  request: Request,
  controlPlane: ControlPlane,
  endpoint = "/api/trpc",
): Promise<Response> {
  return fetchRequestHandler({
    endpoint,
    req: request,
    router: appRouter,
    createContext: () => controlPlane.createContext({ headers: request.headers }),
  });
}
