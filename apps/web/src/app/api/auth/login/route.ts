import { handleLogin } from "@sentinel/api/server";
import { getControlPlane } from "~/server/control-plane";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function POST(request: Request): Promise<Response> {
  return handleLogin(request, await getControlPlane());
}
