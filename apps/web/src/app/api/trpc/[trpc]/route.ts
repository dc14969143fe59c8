import { handleTrpcRequest } from "@sentinel/api/server";
import { getControlPlane } from "~/server/control-plane";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

async function handler(request: Request): Promise<Response> {
  return handleTrpcRequest(request, await getControlPlane(), "/api/trpc");
}

export { handler as GET, handler as POST };
