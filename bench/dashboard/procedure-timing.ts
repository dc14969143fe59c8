import { timedGet, trpcQuery, type TimedResponse } from "./trpc-http.js";

export interface ProcedureCall {
  path: string;
  input: unknown;
  /** What the input means, for the report. */
  label: string;
}

export interface ProcedureTiming {
  /** The pages that request it. */
  page: string;
  procedure: string;
  input: string;
  ms: number[];
  bytes: number;
}

const WARM_UP = 3;

/** Sequential requests over real HTTP (keep-alive, like the browser's), after unmeasured warm-ups: nothing concurrent. */
async function timeRequests(request: () => Promise<TimedResponse>, requests: number): Promise<{ ms: number[]; bytes: number }> {
  for (let i = 0; i < WARM_UP; i++) await request();
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < requests; i++) {
    const res = await request();
    ms.push(res.ms);
    bytes = res.bytes;
  }
  return { ms, bytes };
}

export async function timeProcedure(baseUrl: string, call: ProcedureCall, requests: number): Promise<Omit<ProcedureTiming, "page">> {
  const timed = await timeRequests(() => trpcQuery(baseUrl, call.path, call.input), requests);
  return { procedure: call.path, input: call.label, ...timed };
}

/** Replays a request a page made (a batched GET of all its queries), exactly as the browser sent it. */
export async function timePageRequest(page: string, url: string, requests: number): Promise<ProcedureTiming> {
  const { pathname } = new URL(url);
  const procedures = pathname.slice("/api/trpc/".length).split(",").join(" + ");
  const get = async () => {
    const res = await timedGet(url);
    if (res.status !== 200) throw new Error(`${procedures} (replayed from ${page}) failed: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    return res;
  };
  return { page, procedure: procedures, input: "the page's own batched request", ...(await timeRequests(get, requests)) };
}
