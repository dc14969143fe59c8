import type { PageLoads } from "./page-load.js";
import { batchLabel, describeInput, type ProcedureTiming, splitBatch, timeRequest } from "./procedure-timing.js";

/**
 * Times, over plain HTTP, the queries the measured pages actually sent on their first load
 * (read from Chromium's requests, so the table follows the pages as they change): each
 * distinct procedure + input alone, then each batched request that carried several.
 */
export async function timePageQueries(loads: PageLoads[], requests: number): Promise<ProcedureTiming[]> {
  const singles = new Map<string, { pages: string[]; procedure: string; input: string }>();
  for (const load of loads) {
    for (const batch of load.dataRequests) {
      for (const call of splitBatch(batch)) {
        const entry = singles.get(call.url) ?? {
          pages: [],
          procedure: call.procedure,
          input: describeInput(call.input),
        };
        if (!entry.pages.includes(load.page.label)) entry.pages.push(load.page.label);
        singles.set(call.url, entry);
      }
    }
  }
  const timings: ProcedureTiming[] = [];
  for (const [url, entry] of singles) timings.push({ ...entry, ...(await timeRequest(url, requests)) });
  for (const load of loads) {
    for (const batch of load.dataRequests) {
      if (splitBatch(batch).length < 2) continue;
      timings.push({
        pages: [load.page.label],
        procedure: batchLabel(batch),
        input: "the page's batched request, as sent",
        ...(await timeRequest(batch, requests)),
      });
    }
  }
  return timings;
}
