import type { Page } from "@playwright/test";
import { findHeartbeatGaps, type HeartbeatSample } from "../../apps/web/src/components/heartbeat-gaps";
import { trpcQuery } from "./api";

/** The silence the row's heartbeat timeline shows after its last dot (ms), or null while it has none. */
export async function timelineLastBeatAge(page: Page, workerId: string): Promise<number | null> {
  const raw = await page
    .getByTestId(`heartbeat-timeline-${workerId}`)
    .getAttribute("data-last-beat-age", { timeout: 1_000 })
    .catch(() => null);
  return raw === null ? null : Number(raw);
}

/**
 * Watches, from now on and frame by frame (a MutationObserver, so nothing between two polls is
 * missed), whether the timelines of the given live workers ever draw a gap. Returns a reader
 * of what was seen: `[workerId, gaps]` pairs, empty when none.
 */
export async function recordFalseGaps(
  page: Page,
  workerIds: string[],
): Promise<() => Promise<Array<[string, string]>>> {
  await page.evaluate((ids) => {
    const seen: Array<[string, string]> = [];
    const check = () => {
      for (const id of ids) {
        const gaps = document.querySelector(`[data-testid="heartbeat-timeline-${id}"]`)?.getAttribute("data-gaps");
        if (gaps && gaps !== "0") seen.push([id, gaps]);
      }
    };
    new MutationObserver(check).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["data-gaps"],
    });
    (window as unknown as { __falseGaps: typeof seen }).__falseGaps = seen;
  }, workerIds);
  return () => page.evaluate(() => (window as unknown as { __falseGaps: Array<[string, string]> }).__falseGaps);
}

interface RecordedTimeline {
  workerId: string;
  heartbeatIntervalMs: number;
  staleThresholdMs: number;
  heartbeats: HeartbeatSample[];
}

/**
 * The workers whose heartbeats, as the control plane recorded them (`workers.timelines`), hold
 * a silence between two beats by the same rule the page draws with: a real one (a worker
 * that did beat late, e.g. on a loaded machine), which the page is right to draw. A gap the
 * page draws for a worker not in this set is a drawing artefact.
 */
export async function workersWithRecordedSilence(workerIds: string[], windowMs: number): Promise<Set<string>> {
  if (workerIds.length === 0) return new Set();
  const read = await trpcQuery<{ timelines: RecordedTimeline[] }>("workers.timelines", { workerIds, windowMs });
  const silent = new Set<string>();
  for (const timeline of read.timelines) {
    const last = timeline.heartbeats.at(-1);
    if (!last) continue;
    const gaps = findHeartbeatGaps(timeline.heartbeats, {
      intervalMs: timeline.heartbeatIntervalMs,
      staleThresholdMs: timeline.staleThresholdMs,
      knownUntil: last.at,
      windowStart: 0,
    });
    if (gaps.some((gap) => !gap.open)) silent.add(timeline.workerId);
  }
  return silent;
}
