import type { ReportSection } from "../report.js";
import { percentile } from "../stats.js";
import type { BaselineResult } from "./baseline-phase.js";
import type { ChangeLatency } from "./change-latency.js";
import type { ScaleResult } from "./scale-phase.js";

const count = (n: number): string => n.toLocaleString("en-US");
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const max = (values: number[]): number => (values.length ? values.reduce((a, b) => Math.max(a, b)) : Number.NaN);
/** The scale phase's size: registered workers and tasks in store and cache together. */
const scaleSize = (scale: ScaleResult, and: string): string =>
  `${count(scale.expected.workers)} workers${and}${count(scale.cacheFill.tasks + scale.storeFill.tasks)} tasks`;
/** The p50, p95 and max columns of a latency row. */
const spread = (samples: number[]) => ({
  p50: percentile(samples, 50),
  p95: percentile(samples, 95),
  max: max(samples),
});

function latencyRows(data: string, latency: ChangeLatency) {
  const row = (change: string, samples: number[]) => ({
    data,
    change,
    samples: samples.length,
    ...spread(samples),
  });
  return [
    row("new task appears in the list", latency.created),
    row("task state changes (cancel)", latency.stateChanged),
  ];
}

export function changeLatencySection(baseline: BaselineResult, scale: ScaleResult, chromium: string): ReportSection {
  const scaleLabel = scaleSize(scale, ", ");
  const writes = [...baseline.latency.writeMs, ...scale.latency.writeMs];
  const clocks = [baseline.latency.clock, scale.latency.clock];
  return {
    id: "dashboard-change-latency",
    title: "Dashboard: store change → DOM, in Chromium (SQLite backend, tasks page open)",
    columns: [
      { key: "data", label: "data" },
      { key: "change", label: "change written to the store" },
      { key: "samples", label: "samples" },
      { key: "p50", label: "p50 ms" },
      { key: "p95", label: "p95 ms" },
      { key: "max", label: "max ms" },
    ],
    rows: [...latencyRows("empty store", baseline.latency), ...latencyRows(scaleLabel, scale.latency)],
    notes: [
      `The bench process writes through the store port (\`createTask\`, then \`cancelTask\` of the same task) while \`/tasks\` is open in headless Chromium ${chromium}; a MutationObserver installed before the page's scripts records when the task's state badge first shows the new state.`,
      "Latency = DOM commit time (page's `performance.timeOrigin + performance.now()`) − the moment the store call returned (the bench's clock on the same scale). Both read this machine's clock; their offset is measured each phase by round trips and subtracted " +
        `(${clocks.map((c) => `${c.offsetMs.toFixed(2)} ± ${(c.rttMs / 2).toFixed(2)} ms`).join(", ")}). The store writes themselves took p50 ${percentile(writes, 50).toFixed(1)} ms and are not included.`,
      "Each write waits a random 0–500 ms after the previous change was seen, so writes fall at random phases of the syncer's passes and of the page's refresh windows. Path: the store's commit hint (a write to the SQLite WAL) → a syncer pass (at once, at most one per 50 ms; its 200 ms poll otherwise) → cache → change log → SSE → the page refreshes that kind of change at once, then at most once per 150 ms → tRPC refetch → React render. Product defaults throughout.",
    ],
  };
}

export function procedureSection(scale: ScaleResult): ReportSection {
  return {
    id: "dashboard-procedures",
    title: `Dashboard at ${scaleSize(scale, " and ")}: tRPC queries over HTTP`,
    columns: [
      { key: "page", label: "page" },
      { key: "procedure", label: "procedure" },
      { key: "input", label: "input" },
      { key: "requests", label: "requests" },
      { key: "p50", label: "p50 ms", digits: 1 },
      { key: "p95", label: "p95 ms", digits: 1 },
      { key: "max", label: "max ms", digits: 1 },
      { key: "kb", label: "response KB", digits: 1 },
    ],
    rows: scale.procedures.map((p) => ({
      page: p.pages.join("; "),
      procedure: p.procedure,
      input: p.input,
      requests: p.ms.length,
      ...spread(p.ms),
      kb: p.bytes / 1024,
    })),
    notes: [
      "Sequential GET requests to the production server (`next start`) over keep-alive HTTP, after 3 unmeasured warm-up requests; time = request sent → whole response read. Anonymous read-only viewing, as a fresh browser sees it.",
      "A query that reads nothing (such as `session.me`) shows how long any request waits for the server's event loop (syncer passes run in the same process) and for the CPU; a tail every row shares is that wait, not the query.",
      "The requests are the ones Chromium sent on each page's first load below: every distinct procedure + input alone, then each batched request as sent (tRPC batches a page's queries into one GET; that is the data wait inside the page load).",
      `Workers heartbeat through the store throughout (each of the ${count(scale.expected.workers)} every ${seconds(scale.heartbeats.intervalMs)}; ${count(scale.heartbeats.sent)} heartbeats during the phase), so the syncer applies heartbeat events and re-reads the registry while requests are served.`,
    ],
  };
}

export function pageLoadSection(scale: ScaleResult): ReportSection {
  const idle = scale.idle;
  const procedures = Object.entries(idle.procedures)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ×${n}`)
    .join(", ");
  return {
    id: "dashboard-page-load",
    title: `Dashboard at ${scaleSize(scale, " and ")}: page load in Chromium (navigation → data rendered)`,
    columns: [
      { key: "page", label: "page" },
      { key: "cold", label: "first load ms (cold cache)" },
      { key: "loads", label: "warm loads" },
      { key: "p50", label: "warm p50 ms" },
      { key: "p95", label: "warm p95 ms" },
      { key: "dcl", label: "warm DOMContentLoaded p50 ms" },
    ],
    rows: scale.pageLoads.map((l) => {
      const ready = l.warm.map((w) => w.readyMs);
      const dcl = l.warm.map((w) => w.domContentLoadedMs).filter((v): v is number => v !== null);
      return {
        page: `${l.page.label} (\`${l.page.path}\`)`,
        cold: l.cold.readyMs,
        loads: ready.length,
        p50: percentile(ready, 50),
        p95: percentile(ready, 95),
        dcl: percentile(dcl, 50),
      };
    }),
    notes: [
      "Full navigations (not client-side route changes), timed by the page itself: navigation start → the moment a MutationObserver sees the page's data (overview: the queue card and the capacity-by-worker rows; tasks: a task row and the match count). The first load uses a fresh browser context; the warm ones reuse its HTTP cache.",
      `Data: ${count(scale.storeFill.workers)} workers registered and ${count(scale.storeFill.tasks)} unfinished tasks (queued, running, awaiting retry) written through the store port in ${seconds(scale.storeFill.elapsedMs)}, applied by the control plane's syncer (the dashboard showed all of it, its syncer at or past the store's last event #${count(scale.catchUp.storeEventId)}, ${seconds(scale.catchUp.elapsedMs)} after the server answered); ${count(scale.cacheFill.tasks)} finished tasks (succeeded, dead, cancelled, spread over two hours, with their throughput counts) written straight into the control plane's cache with its own writers in ${seconds(scale.cacheFill.elapsedMs)}: through the store port a finished task costs three transitions (create, claim, complete), so the history would take minutes at the rate the unfinished ones were written.`,
      `An idle \`${idle.path}\` page (only heartbeats changing) made ${count(idle.requests)} tRPC requests in ${seconds(idle.watchedMs)} (${(idle.responseBytes / 1024).toFixed(0)} KB): ${procedures || "none"}.`,
    ],
  };
}
