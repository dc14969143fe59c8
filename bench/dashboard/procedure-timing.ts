import { timedGet } from "./trpc-http.js";

/** One tRPC query as a page sends it, on its own. */
export interface ProcedureCall {
  procedure: string;
  /** The superjson-encoded input the page sent (`{ json, meta? }`). */
  input: unknown;
  url: string;
}

export interface ProcedureTiming {
  /** The pages that request it. */
  pages: string[];
  procedure: string;
  /** Compact JSON of the input, or a description. */
  input: string;
  ms: number[];
  bytes: number;
}

const WARM_UP = 3;
const TRPC_PREFIX = "/api/trpc/";

function proceduresOf(url: URL): string[] {
  return url.pathname.slice(TRPC_PREFIX.length).split(",");
}

/**
 * Splits a page's batched query request (`/api/trpc/a,b?batch=1&input={"0":…,"1":…}`) into
 * one request per procedure with the same input, so each can be timed alone.
 */
export function splitBatch(batchUrl: string): ProcedureCall[] {
  const url = new URL(batchUrl);
  const inputs = JSON.parse(url.searchParams.get("input") ?? "{}") as Record<string, unknown>;
  return proceduresOf(url).map((procedure, i) => {
    const single = new URL(`${TRPC_PREFIX}${procedure}`, url.origin);
    single.searchParams.set("batch", "1");
    single.searchParams.set("input", JSON.stringify({ 0: inputs[String(i)] }));
    return { procedure, input: inputs[String(i)], url: single.toString() };
  });
}

export function describeInput(input: unknown): string {
  const json = (input as { json?: unknown } | undefined)?.json;
  const text = json === undefined || json === null ? "—" : JSON.stringify(json);
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}

/** Sequential GETs over real HTTP (keep-alive, like the browser's), after unmeasured warm-ups: nothing concurrent. */
export async function timeRequest(url: string, requests: number): Promise<{ ms: number[]; bytes: number }> {
  const get = async () => {
    const res = await timedGet(url);
    if (res.status !== 200) throw new Error(`GET ${url} failed: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    return res;
  };
  for (let i = 0; i < WARM_UP; i++) await get();
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < requests; i++) {
    const res = await get();
    ms.push(res.ms);
    bytes = res.bytes;
  }
  return { ms, bytes };
}

/** The procedures behind a page's batched request, joined the way the report shows them. */
export function batchLabel(batchUrl: string): string {
  return proceduresOf(new URL(batchUrl)).join(" + ");
}
