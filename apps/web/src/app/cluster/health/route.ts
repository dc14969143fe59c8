import { handleClusterHealth } from "@sentinel/api/server";
import { getControlPlane } from "~/server/control-plane";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET(request: Request): Promise<Response> {
  return handleClusterHealth(request, await getControlPlane());
}
