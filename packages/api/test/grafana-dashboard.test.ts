import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, openHarness } from "./fixtures.js";

const DASHBOARD = fileURLToPath(new URL("../../../docs/grafana-dashboard.json", import.meta.url));
/** Series a histogram exports under its own name. */
const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

let h: Harness;
afterEach(async () => h?.close());

describe("docs/grafana-dashboard.json", () => {
  it("is valid JSON whose every panel query names only metrics the control plane exports", async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    h = openHarness();
    const exported = new Set(h.cp.metrics.getMetricsAsArray().map((m) => m.name));
    const queried = new Set<string>();
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets) for (const [name] of expr.matchAll(/sentinel_[a-z_]+/g)) queried.add(name);
    }
    const missing = [...queried].filter(
      (name) => !exported.has(name) && !exported.has(name.replace(HISTOGRAM_SUFFIX, "")),
    );
    expect(missing).toEqual([]);
    // The metrics are on the dashboard.
    for (const name of ["sentinel_queue_depth_by_type", "sentinel_queue_oldest_age_seconds", "sentinel_alert_firing"])
      expect(queried).toContain(name);
    expect([...queried].some((n) => n.startsWith("sentinel_task_run_seconds"))).toBe(true);
  });
});
