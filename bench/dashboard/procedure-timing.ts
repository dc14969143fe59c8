import { trpcQuery } from "./trpc-http.js";

export interface ProcedureCall {
  /** Which page issues it. */
  page: string;
  path: string;
  input: unknown;
  /** What the input means, for the report. */
  label: string;
}

export interface ProcedureTiming {
  call: ProcedureCall;
  ms: number[];
  bytes: number;
}

const WARM_UP = 3;

/** Sequential requests over real HTTP (keep-alive, like the browser's): server time plus transfer, nothing concurrent. */
export async function timeProcedure(baseUrl: string, call: ProcedureCall, requests: number): Promise<ProcedureTiming> {
  for (let i = 0; i < WARM_UP; i++) await trpcQuery(baseUrl, call.path, call.input);
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < requests; i++) {
    const res = await trpcQuery(baseUrl, call.path, call.input);
    ms.push(res.ms);
    bytes = res.bytes;
  }
  return { call, ms, bytes };
}
