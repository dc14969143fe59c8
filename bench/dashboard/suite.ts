import { withTempDir } from "@sentinel/test-support";
import type { BenchSuite, SuiteResult } from "../report.js";
import { runBaselinePhase } from "./baseline-phase.js";
import { launchChromium } from "./browser.js";
import { dashboardBenchOptionsFromEnv } from "./options.js";
import { runScalePhase } from "./scale-phase.js";
import { changeLatencySection, pageLoadSection, procedureSection } from "./sections.js";

/**
 * The operator dashboard as shipped (`scripts/start.ts`: production Next build, control plane,
 * syncer) on the SQLite backend, in a real Chromium: how fast a store change reaches the
 * page, and how the overview and tasks pages answer with 1,000 workers and 100,000 tasks.
 * Knobs: BENCH_DASHBOARD_* (see options.ts). Each phase runs on its own temporary data dir.
 */
export const dashboardSuite: BenchSuite = {
  id: "dashboard",
  async run(ctx): Promise<SuiteResult> {
    const options = dashboardBenchOptionsFromEnv();
    const browser = await launchChromium(options.chromiumPath);
    try {
      const baseline = await withTempDir("bench-dashboard-empty", (dir) =>
        runBaselinePhase(dir, browser, options, ctx.log),
      );
      const scale = await withTempDir("bench-dashboard-scale", (dir) => runScalePhase(dir, browser, options, ctx.log));
      return {
        sections: [
          changeLatencySection(baseline, scale, browser.version()),
          procedureSection(scale),
          pageLoadSection(scale),
        ],
        headlines: [],
        facts: { chromium: browser.version() },
        raw: { options, baseline, scale },
      };
    } finally {
      await browser.close();
    }
  },
};
