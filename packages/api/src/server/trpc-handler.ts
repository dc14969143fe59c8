import { jsonTextDepth, LIMITS } from "@sentinel/coordination";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "../root.js";
import { checkBearerAttempt } from "./auth-handlers.js";
import { BodyTooLargeError, readBoundedText } from "./bounded-body.js";
import type { ControlPlane } from "./control-plane.js";
import { crossOriginProblem, crossOriginRefusal } from "./same-origin.js";

/**
 * Room above LIMITS.jsonDepth for tRPC's envelope (batch index, `json`, the input object):
 * deeper than this, no input can be valid, and the text is refused before JSON.parse and
 * superjson (which recurses) ever see it. Within it, the input schemas name the field.
 */
const ENVELOPE_DEPTH = 8;

function refusal(status: number, message: string): Response {
  const code = status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST";
  return Response.json(
    { error: { json: { message, code: status === 413 ? -32413 : -32600, data: { code, httpStatus: status } } } },
    { status, headers: { "cache-control": "no-store" } },
  );
}

/** The tRPC endpoint (queries, mutations, SSE subscriptions) for a Next route handler at `endpoint`. */
export async function handleTrpcRequest(
  request: Request,
  controlPlane: ControlPlane,
  endpoint = "/api/trpc",
): Promise<Response> {
  const maxDepth = LIMITS.jsonDepth + ENVELOPE_DEPTH;
  let req = request;
  const input = new URL(request.url).searchParams.get("input");
  if (input !== null && jsonTextDepth(input, maxDepth) > maxDepth) {
    controlPlane.refusals.count("input_too_deep");
    return refusal(400, `input nested deeper than ${LIMITS.jsonDepth} levels (limit jsonDepth)`);
  }
  const bearerRefusal = await checkBearerAttempt(request, controlPlane);
  if (bearerRefusal) return bearerRefusal;
  if (request.method === "POST") {
    // Every tRPC mutation is a POST: it must come from this site's own pages (or no browser page at all).
    const cross = crossOriginProblem(request, controlPlane.allowedOrigins);
    if (cross) {
      controlPlane.refusals.count("cross_origin");
      return crossOriginRefusal(cross);
    }
    let body: string;
    try {
      body = await readBoundedText(request, LIMITS.requestBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      controlPlane.refusals.count("body_too_large");
      return refusal(413, `request body larger than ${LIMITS.requestBodyBytes} bytes (limit requestBodyBytes)`);
    }
    if (jsonTextDepth(body, maxDepth) > maxDepth) {
      controlPlane.refusals.count("input_too_deep");
      return refusal(400, `input nested deeper than ${LIMITS.jsonDepth} levels (limit jsonDepth)`);
    }
    req = new Request(request.url, { method: "POST", headers: request.headers, body, signal: request.signal });
  }
  return fetchRequestHandler({
    endpoint,
    req,
    router: appRouter,
    createContext: () => controlPlane.createContext({ headers: req.headers }),
  });
}
